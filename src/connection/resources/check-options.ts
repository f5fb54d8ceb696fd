import { ErrorCode, checkKeys, type KnownKeys } from '../../errors/index.js';
import { checkCallOptions, checkOnlyCallOptions, type CallOptions } from '../../rpc/index.js';

/**
 * Check a resource method's options bag before anything is sent: an object or
 * nothing, `signal`/`timeout` well-formed, and no key the method does not take
 * (a misspelled `confg: true` would otherwise change the running network only).
 * For a bag of `{ signal, timeout }` alone use {@link checkCallOnly}.
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

/**
 * {@link checkOnlyCallOptions} for a resource method that takes `{ signal, timeout }` and nothing else.
 * @returns the options, `{}` when none were given
 * @throws {@link InvalidArgumentError} naming the option (`path`)
 */
export function checkCallOnly(options: CallOptions | undefined): CallOptions {
  checkOnlyCallOptions(options, 0);
  return options ?? {};
}
