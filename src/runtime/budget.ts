import { AbortError, type CallOptions, TimeoutError, checkCallOptions, raceDeadline } from '../connection/internal.js';

// Lives next to checkDuration in the rpc layer, so the connection can check its own call options with it too.
export { checkCallOptions } from '../connection/internal.js';

/**
 * The SDK's error for an abort: a call that rejected with the signal's raw
 * `reason` (some stream paths do) becomes an `AbortError` ("`what` was
 * aborted") with that reason as `cause`; a `TimeoutError` or `AbortError`
 * stays as is, and so does any other error.
 */
export function asAbortError(error: unknown, signal: AbortSignal | undefined, what: string): unknown {
  if (signal?.aborted !== true || error !== signal.reason || error instanceof TimeoutError || error instanceof AbortError) return error;
  return new AbortError(`${what} was aborted`, { cause: error });
}

/** Throw the signal's abort as an `AbortError` ("`what` was aborted"; a `TimeoutError` reason is thrown as is). */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted !== true) return;
  if (signal.reason instanceof TimeoutError) throw signal.reason;
  throw new AbortError(`${what} was aborted`, { cause: signal.reason });
}

/**
 * Longest single libvirt call inside an operation (state reads, XML reads,
 * lookups): a stuck call fails fast enough for the operation to react within
 * its own budget.
 */
export const CALL_CAP_MS = 30_000;

/** A {@link Budget} seen as one `AbortSignal` (see {@link Budget.linked}). */
export interface LinkedBudget {
  /** Fires when the caller's signal does, or when the budget runs out (its reason then a `TimeoutError`). */
  readonly signal: AbortSignal;
  /** Stop the timer and the listener. Always call it. */
  dispose(): void;
  /**
   * The error the caller should see for `error`: the budget's `TimeoutError`
   * when the signal fired because time ran out, an `AbortError` when the
   * caller aborted, `error` itself otherwise.
   */
  translate(error: unknown): unknown;
}

/**
 * One operation's time budget and abort signal, shared by every step — the
 * wait for the VM's turn, libvirt calls, waiting for confirmation. The one
 * budget of the SDK: the lifecycle, the destroyer, the creator and the state
 * registry all measure time with it, so every timeout and abort reads the same
 * ("timed out after 30000 ms waiting for …", "aborted while …").
 * `timeout` 0 means no limit.
 *
 * @example
 * const budget = Budget.of(options, 60_000);
 * await conn.domains.getState(vm, budget.call(30_000));
 * await budget.race(done, 'waiting for the started event');
 */
export class Budget {
  readonly startedAt: number;
  readonly timeout: number;
  readonly signal: AbortSignal | undefined;

  constructor(timeout: number, signal?: AbortSignal, startedAt = Date.now()) {
    this.timeout = timeout;
    this.signal = signal;
    this.startedAt = startedAt;
  }

  /**
   * Check `options` ({@link checkCallOptions}) and start the clock.
   * @throws {@link InvalidArgumentError} for a bad `timeout` or `signal`
   */
  static of(options: CallOptions | undefined, defaultTimeout: number): Budget {
    const timeout = checkCallOptions(options, defaultTimeout);
    return new Budget(timeout, options?.signal);
  }

  /** Absolute time (ms since epoch) at which the budget runs out; `Infinity` without a limit. */
  get at(): number {
    return this.timeout > 0 ? this.startedAt + this.timeout : Number.POSITIVE_INFINITY;
  }

  /** Milliseconds spent so far. */
  elapsed(): number {
    return Date.now() - this.startedAt;
  }

  /** Milliseconds left (`Infinity` without a limit, 0 when spent). */
  remaining(): number {
    return Math.max(0, this.at - Date.now());
  }

  /** Throw `AbortError` if the signal fired, `TimeoutError` if the budget is spent (both naming `what`). */
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

  /** Options for one libvirt call within the budget: the signal, and the time left (capped at `cap` ms). */
  call(cap?: number): CallOptions {
    const limit = Math.min(this.remaining(), cap ?? Number.POSITIVE_INFINITY);
    const options: CallOptions = {};
    if (this.signal !== undefined) options.signal = this.signal;
    if (Number.isFinite(limit)) options.timeout = Math.max(1, Math.ceil(limit));
    return options;
  }

  /**
   * Wait for `start(settle, fail)` to settle, or fail with `TimeoutError` /
   * `AbortError` (naming `what`) when the budget runs out or the signal fires
   * first. `start` returns its own cleanup, always run once.
   */
  wait<T>(what: string | (() => string), start: (settle: (value: T) => void, fail: (error: unknown) => void) => () => void): Promise<T> {
    const describe = (): string => (typeof what === 'string' ? what : what());
    try {
      this.check(describe());
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const cleanup: { stop?: () => void } = {};
      let done = false;
      const finish = (error: unknown, value?: T): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.signal?.removeEventListener('abort', onAbort);
        cleanup.stop?.();
        if (error === null) resolve(value as T);
        else reject(error);
      };
      const onAbort = (): void => finish(this.abortError(describe()));
      const left = this.remaining();
      if (Number.isFinite(left)) timer = setTimeout(() => finish(this.timeoutError(describe())), left);
      this.signal?.addEventListener('abort', onAbort, { once: true });
      cleanup.stop = start(
        (value) => finish(null, value),
        (error) => finish(error ?? new Error('failed')),
      );
      // Settled synchronously inside `start`: its cleanup was not known yet.
      if (done) cleanup.stop();
    });
  }

  /** Settle with `promise`, or fail when the budget runs out or the signal fires first. */
  race<T>(promise: Promise<T>, what: string): Promise<T> {
    try {
      this.check(what);
    } catch (error) {
      return Promise.reject(error);
    }
    const left = this.remaining();
    return raceDeadline(promise, Number.isFinite(left) ? left : 0, this.signal, {
      timeout: () => this.timeoutError(what),
      abort: () => this.abortError(what),
    });
  }

  /** Sleep `ms`, ending early (quietly) when the budget runs out; rejects with `AbortError` if the signal fires. */
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

  /**
   * The budget as one `AbortSignal`, for work that takes only a signal (each
   * step of a create): it fires when the caller aborts, or — reason a
   * `TimeoutError` naming `what` — when the budget runs out.
   */
  linked(what: string): LinkedBudget {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(this.signal?.reason);
    if (this.signal?.aborted === true) onAbort();
    else this.signal?.addEventListener('abort', onAbort, { once: true });
    const left = this.remaining();
    const timer = Number.isFinite(left)
      ? setTimeout(() => controller.abort(new TimeoutError(this.timeout, `${what} did not finish within ${this.timeout} ms`)), left)
      : undefined;
    return {
      signal: controller.signal,
      dispose: () => {
        if (timer !== undefined) clearTimeout(timer);
        this.signal?.removeEventListener('abort', onAbort);
      },
      translate: (raw) => {
        const error = asAbortError(raw, controller.signal, what);
        const reason: unknown = controller.signal.reason;
        if (reason instanceof TimeoutError && error instanceof AbortError)
          return new TimeoutError(reason.timeout, reason.message, { cause: error });
        return error;
      },
    };
  }
}
