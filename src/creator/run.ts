/**
 * Small helpers of a create's run: one deadline for the whole create (the
 * caller's signal plus `timeout`), libvirt error codes.
 *
 * @module
 */
import { asAbortError } from './transaction.js';
import { AbortError, InvalidArgumentError, LibvirtError, TimeoutError } from '../errors/index.js';
import { type CallOptions, checkDuration } from '../connection/index.js';

/** `true` when `error` is a libvirt error with one of `codes` (`VirErrorCode`). */
export function isCode(error: unknown, ...codes: number[]): boolean {
  return error instanceof LibvirtError && codes.includes(error.code);
}

/**
 * Check the options of a create before anything is sent: `timeout` (ms, 0 for none, at most
 * `MAX_TIMEOUT_MS`), `signal` and `onProgress`.
 * @throws InvalidArgumentError naming the option
 */
export function checkCreateOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options must be an object', { path: 'options' });
  const { timeout, signal, onProgress } = options as { timeout?: unknown; signal?: unknown; onProgress?: unknown };
  checkDuration(timeout, 'timeout');
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new InvalidArgumentError('signal must be an AbortSignal', { path: 'signal' });
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new InvalidArgumentError('onProgress must be a function', { path: 'onProgress' });
}

/** One deadline for a whole create: the caller's signal plus `timeout`. */
export function deadline(options: CallOptions): { signal: AbortSignal; dispose(): void; translate(error: unknown): unknown } {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(options.signal?.reason);
  if (options.signal?.aborted === true) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  const timeout = options.timeout ?? 0;
  const timer = timeout > 0 ? setTimeout(() => controller.abort(new TimeoutError(timeout, `the create did not finish within ${timeout} ms`)), timeout) : undefined;
  return {
    signal: controller.signal,
    dispose: () => {
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    },
    translate: (raw) => {
      const error = asAbortError(raw, controller.signal);
      const reason: unknown = controller.signal.reason;
      if (reason instanceof TimeoutError && error instanceof AbortError) return new TimeoutError(reason.timeout, reason.message, { cause: error });
      return error;
    },
  };
}
