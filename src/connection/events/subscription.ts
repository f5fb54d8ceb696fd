import { AbortError, EventOverflowError, InvalidArgumentError } from '../../errors/index.js';

/**
 * What a subscription does when its consumer falls behind and the buffer is full:
 * - `'drop-oldest'` (default): discard the oldest buffered event, keep the newest;
 * - `'drop-newest'`: discard the incoming event;
 * - `'error'`: end the iteration with {@link EventOverflowError}.
 * Every dropped event is counted in `dropped`.
 */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest' | 'error';

/** Buffering options of an event subscription. */
export interface SubscriptionBufferOptions {
  /** Events buffered while the consumer is busy. @default 1024 */
  bufferSize?: number;
  /** Policy when the buffer is full. @default 'drop-oldest' */
  overflow?: OverflowPolicy;
}

/**
 * A bounded, single-consumer async queue: the producer (the socket reader)
 * never waits, so a slow consumer can never stall the connection or other
 * subscriptions. Ending the iteration (`break`, `return()`) or aborting the
 * signal runs `onEnd` exactly once (the connection deregisters on the daemon).
 */
export class EventSubscription<T> implements AsyncIterableIterator<T> {
  readonly #bufferSize: number;
  readonly #overflow: OverflowPolicy;
  readonly #onEnd: () => void;
  readonly #onDrop: (() => void) | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort: () => void;
  #buffer: T[] = [];
  #head = 0;
  /** Calls of `next()` waiting for an item, oldest first (the protocol allows calling again before one settled). */
  #waiters: Array<{ resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void }> = [];
  #done = false;
  #error: unknown = null;
  #dropped = 0;

  constructor(options: SubscriptionBufferOptions & { signal?: AbortSignal; onEnd: () => void; onDrop?: () => void }) {
    const bufferSize = options.bufferSize ?? 1024;
    if (!Number.isSafeInteger(bufferSize) || bufferSize < 1) {
      throw new InvalidArgumentError(`bufferSize must be a positive integer, got ${String(bufferSize)}`, { path: 'bufferSize' });
    }
    const overflow = options.overflow ?? 'drop-oldest';
    if (!['drop-oldest', 'drop-newest', 'error'].includes(overflow)) {
      throw new InvalidArgumentError(`overflow must be 'drop-oldest', 'drop-newest' or 'error', got ${String(overflow)}`, {
        path: 'overflow',
      });
    }
    this.#onDrop = options.onDrop;
    this.#bufferSize = bufferSize;
    this.#overflow = overflow;
    this.#onEnd = options.onEnd;
    this.#signal = options.signal;
    this.#onAbort = () => this.end(new AbortError('event subscription aborted', { cause: this.#signal?.reason }));
    if (this.#signal?.aborted) this.#onAbort();
    else this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Events discarded because the consumer was behind. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Events waiting to be consumed. */
  get buffered(): number {
    return this.#buffer.length - this.#head;
  }

  /** `true` once the subscription ended. */
  get ended(): boolean {
    return this.#done;
  }

  /** @internal Deliver an event; never blocks. */
  push(item: T): void {
    if (this.#done) return;
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) {
      waiter.resolve({ value: item, done: false });
      return;
    }
    if (this.buffered >= this.#bufferSize) {
      this.#dropped++;
      this.#onDrop?.();
      if (this.#overflow === 'drop-newest') return;
      if (this.#overflow === 'error') {
        this.end(new EventOverflowError(this.#bufferSize, this.#dropped));
        return;
      }
      this.#head++; // drop-oldest
    }
    this.#buffer.push(item);
    // Compact now and then so the array does not grow without bound.
    if (this.#head > 1024 && this.#head * 2 > this.#buffer.length) {
      this.#buffer = this.#buffer.slice(this.#head);
      this.#head = 0;
    }
  }

  /**
   * @internal End the subscription. With an error, the consumer sees it after
   * the buffered events; without, iteration completes after them.
   */
  end(error?: unknown): void {
    if (this.#done) return;
    this.#done = true;
    if (error !== undefined) this.#error = error;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) {
      // The error goes to the first waiting call, once; the others (and later calls) see the end.
      if (this.#error !== null && !(this.#error instanceof AbortError)) {
        waiter.reject(this.#error);
        this.#error = null;
      } else waiter.resolve({ value: undefined, done: true });
    }
    try {
      this.#onEnd();
    } catch {
      // Deregistration failures are the connection's business, not the consumer's.
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#buffer.length) {
      const value = this.#buffer[this.#head]!;
      this.#buffer[this.#head] = undefined as T;
      this.#head++;
      return Promise.resolve({ value, done: false });
    }
    if (this.#done) {
      // An abort ends iteration quietly; other errors (overflow, closed) are thrown once.
      const error = this.#error;
      this.#error = null;
      if (error !== null && !(error instanceof AbortError)) return Promise.reject(error);
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.end();
    this.#buffer = [];
    this.#head = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
