import { AbortError, InvalidArgumentError, TimeoutError, checkDuration } from '../connection/index.js';

/**
 * `{ signal, timeout }`, as every async method of the registry takes it last.
 * @example await registry.start({ signal: AbortSignal.timeout(5000), timeout: 10_000 });
 * @see Budget
 */
export interface BudgetOptions {
  /** Abort the wait (and whatever it guards). */
  signal?: AbortSignal;
  /** Milliseconds; `0` waits without limit. */
  timeout?: number;
}

/**
 * One caller's time budget and abort signal, shared by every step of a
 * registry call (waiting for a queue, for registration, for a state).
 *
 * @example
 * const budget = Budget.of(options, 60_000);
 * await budget.race(subscription.ready, 'waiting for event registration');
 * @throws {@link InvalidArgumentError} from {@link Budget.of} for a bad `timeout` or `signal`
 * @see AbortSignal
 */
export class Budget {
  readonly #at: number;
  readonly timeout: number;
  readonly signal: AbortSignal | undefined;

  private constructor(timeout: number, signal: AbortSignal | undefined) {
    this.timeout = timeout;
    this.signal = signal;
    this.#at = timeout > 0 ? Date.now() + timeout : Number.POSITIVE_INFINITY;
  }

  /** Validate `options` and start the clock; `fallback` is the default timeout. */
  static of(options: BudgetOptions | undefined, fallback: number): Budget {
    if (options !== undefined && (typeof options !== 'object' || options === null)) throw new InvalidArgumentError('options must be an object', { path: 'options' });
    const { signal, timeout = fallback } = options ?? {};
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw new InvalidArgumentError('signal must be an AbortSignal', { path: 'signal' });
    checkDuration(timeout, 'timeout');
    return new Budget(timeout, signal);
  }

  /** Milliseconds left (`Infinity` without a limit). */
  remaining(): number {
    return Math.max(0, this.#at - Date.now());
  }

  /** Throw `AbortError`/`TimeoutError` (naming `what`) when the budget is spent. */
  check(what: string): void {
    if (this.signal?.aborted === true) throw new AbortError(`aborted while ${what}`, { cause: this.signal.reason });
    if (this.remaining() <= 0) throw new TimeoutError(this.timeout, `timed out after ${this.timeout} ms ${what}`);
  }

  /** Options for one libvirt call within the budget. */
  call(): BudgetOptions {
    const left = this.remaining();
    return {
      ...(this.signal === undefined ? {} : { signal: this.signal }),
      ...(Number.isFinite(left) ? { timeout: Math.max(1, Math.ceil(left)) } : {}),
    };
  }

  /**
   * Wait for `start(settle)` to call `settle()`, or fail when the budget runs
   * out or the signal fires. `start` returns its own cleanup, always run.
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
      const onAbort = (): void => finish(new AbortError(`aborted while ${describe()}`, { cause: this.signal?.reason }));
      const left = this.remaining();
      if (Number.isFinite(left)) timer = setTimeout(() => finish(new TimeoutError(this.timeout, `timed out after ${this.timeout} ms ${describe()}`)), left);
      this.signal?.addEventListener('abort', onAbort, { once: true });
      cleanup.stop = start(
        (value) => finish(null, value),
        (error) => finish(error ?? new Error('failed')),
      );
      // Settled synchronously inside `start`: its cleanup was not known yet.
      if (done) cleanup.stop();
    });
  }

  /** Settle with `promise`, or fail when the budget runs out first. */
  race<T>(promise: Promise<T>, what: string): Promise<T> {
    return this.wait<T>(what, (settle, fail) => {
      promise.then(settle, fail);
      return () => undefined;
    });
  }
}
