import { AbortError, TimeoutError } from '../errors/index.js';

/** Per-call options, as every resource call takes them. */
export interface DeadlineCallOptions {
  signal?: AbortSignal;
  timeout?: number;
}

/**
 * An operation's time budget and abort signal, shared by every step (lock
 * wait, libvirt calls, waiting for confirmation). `timeout` 0 means no limit.
 */
export class Deadline {
  readonly startedAt: number;
  readonly timeout: number;
  readonly signal: AbortSignal | undefined;

  constructor(timeout: number, signal?: AbortSignal, startedAt = Date.now()) {
    this.timeout = timeout;
    this.signal = signal;
    this.startedAt = startedAt;
  }

  /** Absolute time (ms since epoch) at which the budget runs out; `Infinity` without a limit. */
  get at(): number {
    return this.timeout > 0 ? this.startedAt + this.timeout : Number.POSITIVE_INFINITY;
  }

  /** Milliseconds spent so far. */
  elapsed(): number {
    return Date.now() - this.startedAt;
  }

  /** Milliseconds left (`Infinity` without a limit, 0 when expired). */
  remaining(): number {
    return Math.max(0, this.at - Date.now());
  }

  /** Throw `AbortError` if the signal fired, `TimeoutError` (with `what`) if the budget is spent. */
  check(what: string): void {
    if (this.signal?.aborted === true) throw this.abortError(what);
    if (this.remaining() <= 0) throw this.timeoutError(what);
  }

  abortError(what: string): AbortError {
    return new AbortError(`aborted while ${what}`, { cause: this.signal?.reason });
  }

  timeoutError(what: string): TimeoutError {
    return new TimeoutError(this.timeout, `timed out after ${this.timeout} ms ${what}`);
  }

  /**
   * Options for one libvirt call within the budget: the signal, and the time
   * left (capped at `cap` ms when given).
   */
  call(cap?: number): DeadlineCallOptions {
    const left = this.remaining();
    const limit = Math.min(left, cap ?? Number.POSITIVE_INFINITY);
    const options: DeadlineCallOptions = {};
    if (this.signal !== undefined) options.signal = this.signal;
    if (Number.isFinite(limit)) options.timeout = Math.max(1, Math.ceil(limit));
    return options;
  }

  /**
   * Settle with `promise`, or reject with `TimeoutError`/`AbortError` (naming
   * `what`) when the budget runs out or the signal fires first.
   */
  race<T>(promise: Promise<T>, what: string): Promise<T> {
    try {
      this.check(what);
    } catch (error) {
      return Promise.reject(error);
    }
    const left = this.remaining();
    if (!Number.isFinite(left) && this.signal === undefined) return promise;
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const cleanup = (): void => {
        clearTimeout(timer);
        this.signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        cleanup();
        reject(this.abortError(what));
      };
      if (Number.isFinite(left)) timer = setTimeout(() => (cleanup(), reject(this.timeoutError(what))), left);
      this.signal?.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => (cleanup(), resolve(value)),
        (error: unknown) => (cleanup(), reject(error)),
      );
    });
  }

  /**
   * Sleep `ms`, ending early (quietly) when the budget runs out. Rejects with
   * `AbortError` if the signal fires.
   */
  sleep(ms: number, what: string): Promise<void> {
    const wait = Math.max(0, Math.min(ms, this.remaining()));
    if (this.signal?.aborted === true) return Promise.reject(this.abortError(what));
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(this.abortError(what));
      };
      const timer = setTimeout(() => {
        this.signal?.removeEventListener('abort', onAbort);
        resolve();
      }, wait);
      this.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
