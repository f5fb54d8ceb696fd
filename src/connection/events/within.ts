import { AbortError, TimeoutError } from '../../errors/index.js';
import { startDeadline } from '../../rpc/deadline.js';

/** Wait for `work` until `signal` aborts or `timeout` ms (0: none) pass; giving up leaves `work` running. */
export function within<T>(work: Promise<T>, signal: AbortSignal | undefined, timeout: number): Promise<T> {
  if (signal === undefined && timeout === 0) return work;
  const deadline = startDeadline(timeout, signal, () => new TimeoutError(timeout, `event registration timed out after ${timeout} ms`));
  return new Promise<T>((resolve, reject) => {
    // Released whichever way the wait ends: `work` may never settle, and the caller's signal may live long.
    const settle = (end: () => void): void => {
      deadline.dispose();
      deadline.signal.removeEventListener('abort', onAbort);
      end();
    };
    const onAbort = (): void =>
      settle(() =>
        reject(deadline.expired ? deadline.signal.reason : new AbortError('event registration aborted', { cause: signal?.reason })),
      );
    deadline.signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => settle(() => resolve(value)),
      (error: unknown) => settle(() => reject(error)),
    );
  });
}
