/**
 * The check a resource method runs on its options bag before anything is
 * sent: an object (or nothing), no key the method does not take, `signal` and
 * `timeout` valid, and each named flag a boolean.
 *
 * @module
 */
import { ErrorCode, InvalidArgumentError, checkKeys, type KnownKeys } from '../../errors/index.js';
import { type CallOptions, checkCallOptions, checkOnlyCallOptions } from '../../rpc/index.js';

/**
 * Check `options` of a resource method: an object or `undefined`, only the
 * keys in `known` (`CALL_OPTION_KEYS` spread in plus the method's own), a
 * valid `signal` and `timeout`, and every key in `booleans` a boolean when set.
 *
 * Unlike `checkOnlyCallOptions` (for calls that take nothing but `signal`
 * and `timeout`), this takes the method's own keys and returns the bag, which
 * the resource hands on to the call.
 *
 * @returns `options`, or `{}` for `undefined`
 * @example const o = checkOptions(options, { ...CALL_OPTION_KEYS, inactive: true }, ['inactive']);
 * @throws {@link InvalidArgumentError} naming the option (`unknown option 'inactiv' (did you mean 'inactive'?)`)
 */
export function checkOptions<T extends CallOptions>(
  options: T | undefined,
  known: KnownKeys<T> | Readonly<Record<string, true>>,
  booleans: readonly (keyof T & string)[] = [],
): T {
  checkCallOptions(options, 0);
  const o = options ?? ({} as T);
  checkKeys(o, known as Readonly<Record<string, true>>, '', { code: ErrorCode.INVALID_ARGUMENT, kind: 'option' });
  for (const key of booleans) {
    const value: unknown = o[key];
    if (value !== undefined && typeof value !== 'boolean') throw new InvalidArgumentError(`${key} must be a boolean`, { path: key });
  }
  return o;
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
