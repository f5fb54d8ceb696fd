import { AbortError, TimeoutError } from '../errors/index.js';
import { type CallOptions, type RpcLink, checkDuration } from '../rpc/index.js';

interface LinkWaiter {
  resolve: (link: RpcLink) => void;
  reject: (error: unknown) => void;
}

/**
 * Calls made while the connection reconnects: each waits for the next link,
 * bounded by its own timeout and signal, and leaves no timer or listener
 * behind whichever way it ends.
 */
export class LinkWaiters {
  #waiters = new Set<LinkWaiter>();

  /** Wait for the next link; `timeout` (default `defaultTimeout`, 0 for none) and `signal` bound the wait. */
  wait(options: CallOptions, defaultTimeout: number): Promise<RpcLink> {
    let timeout: number;
    try {
      // Checked here, not only by the call once the link is back: a NaN or negative timeout sets no timer below,
      // so the call would wait without bound for a link that may never come.
      timeout = checkDuration(options.timeout, 'timeout') ?? defaultTimeout;
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return new Promise<RpcLink>((resolve, reject) => {
      const { signal } = options;
      let timer: NodeJS.Timeout | undefined;
      const cleanup = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#waiters.delete(waiter);
      };
      const waiter: LinkWaiter = {
        resolve: (link) => {
          cleanup();
          resolve(link);
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
      };
      const onAbort = (): void =>
        waiter.reject(new AbortError('aborted while waiting for the connection to reconnect', { cause: signal?.reason }));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeout > 0)
        timer = setTimeout(
          () => waiter.reject(new TimeoutError(timeout, `timed out after ${timeout} ms waiting for the connection to reconnect`)),
          timeout,
        );
      this.#waiters.add(waiter);
    });
  }

  /** The link is back: every waiter gets it. */
  release(link: RpcLink): void {
    const waiters = this.#waiters;
    this.#waiters = new Set();
    for (const waiter of waiters) waiter.resolve(link);
  }

  /** The connection is closed for good: every waiter fails with `error`. */
  failAll(error: unknown): void {
    const waiters = this.#waiters;
    this.#waiters = new Set();
    for (const waiter of waiters) waiter.reject(error);
  }
}

/** `options` with the timeout left since `started`: the wait for the link counts against the call's timeout. */
export function remaining(options: CallOptions, started: number, defaultTimeout: number): CallOptions {
  const timeout = options.timeout ?? defaultTimeout;
  if (timeout <= 0) return options;
  return { ...options, timeout: Math.max(1, timeout - (Date.now() - started)) };
}
