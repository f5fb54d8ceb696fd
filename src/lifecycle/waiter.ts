import type {
  DomainDeviceEvent,
  DomainLifecycleEvent,
  DomainRebootEvent,
  DomainState,
  EventSubscription,
  LibvirtEvent,
} from '../connection/internal.js';
import { GONE_STATE, isGone, log, type OperationRun, readStateOrRetry, retriable } from './context.js';
import type { Budget } from '../runtime/index.js';

/** The domain events a waiter listens to: power changes, and devices added or removed (the devices module). */
export type WaitedEvent = DomainLifecycleEvent | DomainRebootEvent | DomainDeviceEvent;

/** Their `type`s. */
export type WaitedEventType = WaitedEvent['type'];

const WAITED: ReadonlySet<string> = new Set<WaitedEventType>([
  'domain.lifecycle',
  'domain.reboot',
  'domain.device-added',
  'domain.device-removed',
  'domain.device-removal-failed',
]);

/**
 * What an event means for a wait: `'done'` confirms it; `'check'` asks for a
 * state read now (the event may or may not mean completion); `'ignore'`.
 */
export type EventVerdict = 'done' | 'check' | 'ignore';

/** What completes a wait. */
export interface WaitSpec {
  /** Judge an event; `seq` numbers the events this waiter received, from 1 (compare with {@link CompletionWaiter.received}). */
  onEvent(event: WaitedEvent, seq: number): EventVerdict;
  /** Whether a read state completes the wait. Without it, polling cannot confirm (a reboot leaves the state unchanged). */
  isDone?(state: DomainState): boolean;
  /** A NO_DOMAIN on a read completes the wait (a transient domain that stopped no longer exists). */
  goneIsDone?: boolean;
  /**
   * A read that confirms the wait without events, made instead of the state
   * read when one is due (a device visible in the live XML). Resolves `true`
   * when it confirms. Failures are treated as the state read's are: a lost
   * link or a timed-out read is retried at the next poll.
   */
  probe?(deadline: Budget): Promise<boolean>;
}

/** How a wait completed. */
export interface WaitOutcome {
  confirmedBy: 'event' | 'poll';
  /** The state read that confirmed it, when a read did. */
  state?: DomainState;
  /** The confirming event, when an event did. */
  event?: WaitedEvent;
}

interface Queued {
  event: WaitedEvent;
  seq: number;
}

/**
 * Event-or-poll completion waiter. Opened (subscribed, registration awaited)
 * **before** the libvirt request is sent, so no confirming event can be
 * missed; then `wait()` resolves on the confirming event, or on a
 * DOMAIN_GET_STATE poll every `pollInterval` ms when events are unavailable
 * (no event callbacks, a failed registration, a lost link). After a reconnect
 * the state is re-read at once. A poll that sees the target state while
 * events work waits `eventGrace` ms for the event, so `confirmedBy` says
 * `'poll'` only when the event really did not come. `close()` ends the
 * subscription and every timer.
 */
export class CompletionWaiter {
  readonly #run: OperationRun;
  readonly #abort = new AbortController();
  readonly #queue: Queued[] = [];
  #live = false;
  #received = 0;
  #recheck = false;
  #wakeup: (() => void) | null = null;
  readonly #onReconnected = (): void => {
    this.#recheck = true;
    this.#wake();
  };

  private constructor(run: OperationRun) {
    this.#run = run;
  }

  /**
   * Subscribe to `types` for the run's VM and wait until the daemon has
   * registered them. A failed registration is not an error: the waiter then
   * polls. Rejects only with `AbortError`/`TimeoutError` from the run's budget.
   */
  static async open(run: OperationRun, types: readonly WaitedEventType[]): Promise<CompletionWaiter> {
    const waiter = new CompletionWaiter(run);
    const { connection, logger } = run.ctx;
    connection.on('reconnected', waiter.#onReconnected);
    let subscription: EventSubscription<LibvirtEvent> & { ready: Promise<void> };
    try {
      subscription = connection.events({
        types,
        domain: run.ref,
        bufferSize: 256,
        signal: waiter.#abort.signal,
        registration: run.deadline.call(10_000),
      });
      await subscription.ready;
    } catch (error) {
      if (run.deadline.signal?.aborted === true) {
        waiter.close();
        throw run.deadline.abortError(`registering for ${run.operation} events`);
      }
      log(logger, 'warn', 'event registration failed: confirming by polling', { domain: run.ref.name, error: String(error) });
      return waiter;
    }
    waiter.#live = true;
    void waiter.#pump(subscription);
    return waiter;
  }

  /** How many events this waiter has received so far (the `seq` of the latest). */
  get received(): number {
    return this.#received;
  }

  /** `true` while the event subscription delivers. */
  get eventsLive(): boolean {
    return this.#live;
  }

  async #pump(subscription: AsyncIterable<LibvirtEvent>): Promise<void> {
    try {
      for await (const event of subscription) {
        if (WAITED.has(event.type)) {
          this.#queue.push({ event: event as WaitedEvent, seq: ++this.#received });
          this.#wake();
        }
      }
    } catch (error) {
      log(this.#run.ctx.logger, 'debug', 'event subscription ended', { domain: this.#run.ref.name, error: String(error) });
    } finally {
      this.#live = false;
      this.#wake();
    }
  }

  #wake(): void {
    const wakeup = this.#wakeup;
    this.#wakeup = null;
    wakeup?.();
  }

  /**
   * Wait until `spec` is satisfied or `untilAt` (ms since epoch) passes;
   * resolves `null` in the latter case. Rejects with `AbortError` when the
   * run's signal fires, and with read errors that polling cannot get past
   * (the connection closed for good, the domain vanished when that does not
   * count as done). `deadline` bounds the state reads and carries the signal
   * (the run's by default; an escalation brings its own).
   */
  async wait(spec: WaitSpec, untilAt: number, deadline: Budget = this.#run.deadline): Promise<WaitOutcome | null> {
    const { ctx } = this.#run;
    let nextPoll = Date.now() + ctx.pollInterval;
    let pending: { state: DomainState | undefined; at: number } | null = null;
    for (;;) {
      if (deadline.signal?.aborted === true) throw deadline.abortError(`waiting for libvirt to confirm ${this.#run.operation}`);
      let check = false;
      for (let item = this.#queue.shift(); item !== undefined; item = this.#queue.shift()) {
        const verdict = spec.onEvent(item.event, item.seq);
        if (verdict === 'done') return { confirmedBy: 'event', event: item.event };
        if (verdict === 'check') check = true;
      }
      const now = Date.now();
      if (pending !== null && (!this.#live || now >= pending.at)) {
        log(ctx.logger, 'debug', 'confirmed by polling: no event arrived', { domain: this.#run.ref.name, operation: this.#run.operation });
        return pending.state === undefined ? { confirmedBy: 'poll' } : { confirmedBy: 'poll', state: pending.state };
      }
      if (now >= untilAt) return null;
      const reconnected = this.#recheck;
      this.#recheck = false;
      if (check || reconnected || (pending === null && now >= nextPoll)) {
        nextPoll = now + ctx.pollInterval;
        if (spec.probe !== undefined) {
          if ((await this.#probe(spec.probe, deadline)) !== true) continue;
          if (check && !reconnected) return { confirmedBy: 'event' };
          if (!this.#live || ctx.eventGrace <= 0 || reconnected) return { confirmedBy: 'poll' };
          pending ??= { state: undefined, at: Date.now() + ctx.eventGrace };
          continue;
        }
        const state = await this.#read(spec, deadline);
        if (state === 'gone') return { confirmedBy: check && !reconnected ? 'event' : 'poll', state: GONE_STATE };
        if (state !== null && spec.isDone?.(state) === true) {
          if (check && !reconnected) return { confirmedBy: 'event', state };
          if (!this.#live || ctx.eventGrace <= 0 || reconnected) return { confirmedBy: 'poll', state };
          pending ??= { state, at: Date.now() + ctx.eventGrace };
        }
        continue; // drain what arrived during the read
      }
      // While a poll match waits for its event, no further polls are due: sleep until the grace ends.
      await this.#sleep(Math.min(untilAt, pending === null ? nextPoll : pending.at) - now, deadline);
    }
  }

  /** One probe; `null` when it failed in a way polling can ride out (as {@link readStateOrRetry} decides). */
  async #probe(probe: (deadline: Budget) => Promise<boolean>, deadline: Budget): Promise<boolean | null> {
    try {
      return await probe(deadline);
    } catch (error) {
      if (deadline.signal?.aborted === true) throw deadline.abortError(`waiting for libvirt to confirm ${this.#run.operation}`);
      if (retriable(this.#run.ctx, error)) return null;
      throw error;
    }
  }

  /** One state read; `null` when it failed in a way polling can ride out. */
  async #read(spec: WaitSpec, deadline: Budget): Promise<DomainState | 'gone' | null> {
    try {
      return await readStateOrRetry(this.#run.ctx, this.#run.ref, deadline, `waiting for libvirt to confirm ${this.#run.operation}`);
    } catch (error) {
      if (isGone(error) && spec.goneIsDone === true) return 'gone';
      throw error;
    }
  }

  #sleep(ms: number, deadline: Budget): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        deadline.signal?.removeEventListener('abort', done);
        if (this.#wakeup === done) this.#wakeup = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      deadline.signal?.addEventListener('abort', done, { once: true });
      this.#wakeup = done;
    });
  }

  /** End the subscription and forget queued events. Idempotent. */
  close(): void {
    this.#run.ctx.connection.off('reconnected', this.#onReconnected);
    this.#abort.abort();
    this.#queue.length = 0;
    this.#live = false;
    this.#wake();
  }
}

/**
 * Open a waiter for `run`, run `body`, and always close the waiter.
 */
export async function withWaiter<T>(
  run: OperationRun,
  types: readonly WaitedEventType[],
  body: (waiter: CompletionWaiter) => Promise<T>,
): Promise<T> {
  const waiter = await CompletionWaiter.open(run, types);
  try {
    return await body(waiter);
  } finally {
    waiter.close();
  }
}
