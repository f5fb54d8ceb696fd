import { ErrorCode, checkKeys, type KnownKeys } from '../../errors/index.js';
import { CALL_OPTION_KEYS, checkCallOptions, type CallOptions } from '../../rpc/index.js';

/** The keys of a method that takes only `{ signal, timeout }`. */
export const CALL_ONLY_KEYS = CALL_OPTION_KEYS;

/**
 * Check a resource method's options bag before anything is sent: an object or
 * nothing, `signal`/`timeout` well-formed, and no key the method does not take
 * (a misspelled `confg: true` would otherwise change the running network only).
 *
 * @example const opts = checkOptions(options, { ...CALL_OPTION_KEYS, live: true, config: true });
 * @returns the options, `{}` when none were given
 * @throws {@link InvalidArgumentError} naming the option (`path`)
 */
export function checkOptions<T extends CallOptions>(options: T | undefined, known: KnownKeys<T>): T {
  checkCallOptions(options, 0);
  if (options === undefined) return {} as T;
  checkKeys(options, known, '', { code: ErrorCode.INVALID_ARGUMENT, kind: 'option' });
  return options;
}
