import { AbortError } from '../errors/index.js';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Back-pressure for stream writers: waits for the socket's `drain` when its
 * buffer is full, releases everyone on `drain`, and fails everyone when the
 * connection closes. Abort listeners are always removed.
 */
export class WriteGate {
  #waiters: Waiter[] = [];

  /** Resolve when the socket can take more data; rejects with `AbortError` when `signal` fires. */
  wait(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new AbortError('write aborted', { cause: signal?.reason }));
      };
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      if (signal?.aborted) return onAbort();
      this.#waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Writers waiting for `drain`. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** The socket drained: release every writer. */
  open(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.resolve();
  }

  /** The connection closed: fail every writer with `error`. */
  fail(error: unknown): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(error);
  }
}
