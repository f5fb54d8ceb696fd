/**
 * The input checks every connection resource runs before anything is sent:
 * its options bag (an object or nothing, no key the method does not take,
 * `signal` and `timeout` valid), named boolean flags and the libvirt bits
 * they turn into, bounded integers and byte counts, host paths, XML
 * documents, choices and device names. Each refuses bad input with an
 * {@link InvalidArgumentError} naming the option (`path`). The one home of
 * these checks for `src/connection/resources`: add a check here, not next to
 * the resource that first needs it.
 *
 * @module
 */
import { ErrorCode, InvalidArgumentError, checkKeys, type KnownKeys } from '../../errors/index.js';
import { CALL_OPTION_KEYS, type CallOptions, checkCallOptions, checkOnlyCallOptions } from '../../rpc/index.js';
import { checkName } from './refs.js';

/**
 * Check `options` of a resource method: an object or `undefined`, only the
 * keys in `known` plus `signal` and `timeout` (spread in here, so `known` may
 * name the method's own keys only, or a `KnownKeys<T>` list that already
 * spreads `CALL_OPTION_KEYS`), a valid `signal` and `timeout`, and every key
 * in `booleans` a boolean when set.
 *
 * Unlike {@link checkCallOnly} (for calls that take nothing but `signal` and
 * `timeout`), this takes the method's own keys and returns the bag, which the
 * resource hands on to the call.
 *
 * @returns `options`, or `{}` for `undefined`
 * @example const o = checkOptions(options, { ...CALL_OPTION_KEYS, inactive: true }, ['inactive']);
 * @throws {@link InvalidArgumentError} naming the option (`unknown option 'inactiv' (did you mean 'inactive'?)`)
 */
export function checkOptions<T extends CallOptions>(
  options: T | undefined,
  known: KnownKeys<T> | Readonly<Record<string, true>> = {},
  booleans: readonly (keyof T & string)[] = [],
): T {
  checkCallOptions(options, 0);
  const o = options ?? ({} as T);
  checkKeys(o, { ...CALL_OPTION_KEYS, ...known }, '', { code: ErrorCode.INVALID_ARGUMENT, kind: 'option' });
  for (const key of booleans) checkBoolean(o[key], key);
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

/**
 * A boolean option, or nothing.
 * @throws {@link InvalidArgumentError} when set but not a boolean
 */
export function checkBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new InvalidArgumentError(`${path} must be a boolean`, { path });
}

/**
 * The libvirt flag bits of the named boolean options that are `true`
 * (`bits` maps each option to its bit); `undefined` options are off.
 * @example flagBits(o, { bypassCache: VIR_DOMAIN_SAVE_BYPASS_CACHE })
 * @throws {@link InvalidArgumentError} when one is set but not a boolean
 */
export function flagBits(options: object, bits: Readonly<Record<string, number>>): number {
  let flags = 0;
  for (const [key, bit] of Object.entries(bits)) {
    if (checkBoolean((options as Record<string, unknown>)[key], key) === true) flags |= bit;
  }
  return flags;
}

/**
 * Check a whole number within `[min, max]` (and within `Number`'s safe integers).
 * @throws {@link InvalidArgumentError}
 */
export function checkInteger(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`${path} must be an integer from ${min} to ${max}`, { path });
  }
  return value;
}

/**
 * Check a byte count or offset given as a `number` or `bigint`: whole, from
 * `min` up to `max` (an unsigned 64-bit value on the wire by default).
 * @throws {@link InvalidArgumentError}
 */
export function checkBytes(value: unknown, path: string, min = 0n, max = 2n ** 64n - 1n): bigint {
  const n = typeof value === 'bigint' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : undefined;
  if (n === undefined || n < min || n > max) {
    throw new InvalidArgumentError(`${path} must be a whole number (number or bigint) from ${min} to ${max}`, { path });
  }
  return n;
}

/**
 * Check a path on the daemon's host: absolute (the daemon would resolve a
 * relative one against its own working directory, not the caller's), at most
 * 4096 characters (PATH_MAX), nothing XML cannot carry.
 * @throws {@link InvalidArgumentError}
 */
export function checkHostPath(value: unknown, path: string): string {
  if (typeof value !== 'string' || !value.startsWith('/')) {
    throw new InvalidArgumentError(`${path} must be an absolute path on the daemon's host`, { path });
  }
  if (value.length > 4096) throw new InvalidArgumentError(`${path} is longer than 4096 characters (PATH_MAX)`, { path });
  return checkName(value, path);
}

/**
 * Check an XML document given as a string: non-empty (libvirt parses it, and
 * names the fault better than a client-side parse could). `root` names the
 * element the document should have, for the message only.
 * @example checkXml(xml, 'xml', 'device')
 * @throws {@link InvalidArgumentError}
 */
export function checkXml(value: unknown, path: string, root?: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidArgumentError(`${path} must be a non-empty ${root === undefined ? '' : `<${root}> `}XML document`, { path });
  }
  return value;
}

/**
 * Check one of a fixed set of names.
 * @throws {@link InvalidArgumentError} listing the choices
 */
export function checkChoice<T extends string>(value: unknown, path: string, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`${path} must be one of ${choices.map((c) => `'${c}'`).join(', ')}`, { path });
  }
  return value as T;
}

/**
 * A domain's device as libvirt names it in a statistics or tuning call (disk
 * target, path, interface or MAC): non-empty, at most 4096 characters, no NUL.
 * @throws {@link InvalidArgumentError}
 */
export function checkDeviceName(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096 || value.includes('\0'))
    throw new InvalidArgumentError(`${path} must be a non-empty device name`, { path });
  return value;
}
