/**
 * A deadline plus the caller's signal, as one `AbortSignal` that is released
 * when the work ends. `AbortSignal.timeout()` cannot be cancelled: its timer
 * and its finalization-registry entry live until the delay passes or the
 * signal is collected, and making one costs ~10 µs; `AbortSignal.any()` adds
 * weak references of its own. A connection that opens, calls and closes used
 * two of each, and left two live timers behind per connection (30 s and 5 s).
 * This costs one `AbortController`, one timer and at most one listener, all
 * gone at {@link Deadline.dispose}.
 *
 * @module
 */

/** A running deadline: its signal, whether it fired, and its release. */
export interface Deadline {
  /** Aborts when the deadline passes (reason: the `onExpire` value) or the caller's signal aborts (its reason). */
  readonly signal: AbortSignal;
  /** `true` once the deadline itself fired (not the caller's signal). */
  readonly expired: boolean;
  /** Clear the timer and the listener on the caller's signal. Idempotent. */
  dispose(): void;
}

/**
 * Start a deadline of `timeout` ms (`0`: none) linked to `signal`.
 * `reason` builds the abort reason when the deadline passes.
 */
export function startDeadline(timeout: number, signal: AbortSignal | undefined, reason: () => unknown): Deadline {
  const controller = new AbortController();
  let expired = false;
  let timer: NodeJS.Timeout | undefined;
  const onAbort = (): void => controller.abort(signal!.reason);
  if (signal?.aborted === true) controller.abort(signal.reason);
  else signal?.addEventListener('abort', onAbort, { once: true });
  if (timeout > 0 && !controller.signal.aborted) {
    timer = setTimeout(() => {
      expired = true;
      controller.abort(reason());
    }, timeout);
    // Like AbortSignal.timeout(): the deadline alone keeps no process alive.
    timer.unref();
  }
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** The errors {@link raceDeadline} rejects with: the deadline passed, or the caller's signal aborted. */
export interface RaceErrors {
  timeout: () => unknown;
  abort: () => unknown;
}

/**
 * Settle with `work`, or reject when `timeout` ms pass (`0`: none) or `signal`
 * aborts, whichever comes first. Giving up leaves `work` running (it may be
 * shared with other waiters, or finish on its own); the timer and the listener
 * on the caller's signal are released whichever way the wait ends, since
 * `work` may never settle and the caller's signal may live long.
 */
export function raceDeadline<T>(work: Promise<T>, timeout: number, signal: AbortSignal | undefined, errors: RaceErrors): Promise<T> {
  if (signal === undefined && timeout === 0) return work;
  if (signal?.aborted === true) return Promise.reject(errors.abort());
  const deadline = startDeadline(timeout, signal, errors.timeout);
  return new Promise<T>((resolve, reject) => {
    const settle = (end: () => void): void => {
      deadline.dispose();
      deadline.signal.removeEventListener('abort', onAbort);
      end();
    };
    const onAbort = (): void => settle(() => reject(deadline.expired ? deadline.signal.reason : errors.abort()));
    deadline.signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => settle(() => resolve(value)),
      (error: unknown) => settle(() => reject(error)),
    );
  });
}
