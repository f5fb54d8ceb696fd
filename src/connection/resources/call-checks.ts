/**
 * Input checks shared by the single-call domain resources (saves, input,
 * guest, inspect, settings): the options bag with its known keys, named
 * boolean flags, host paths and bounded integers. Each refuses bad input with
 * an {@link InvalidArgumentError} before anything is sent.
 *
 * @module
 */
import { ErrorCode, InvalidArgumentError, checkKeys } from '../../errors/index.js';
import { CALL_OPTION_KEYS, type CallOptions, checkCallOptions } from '../../rpc/index.js';
import { checkName } from './refs.js';

/**
 * Check an options bag: an object (or nothing) with only the `known` keys plus
 * `signal`/`timeout`, and a valid `signal`/`timeout`.
 * @throws {@link InvalidArgumentError} naming the option (`path`)
 */
export function checkOptions<T extends CallOptions>(options: T | undefined, known: Readonly<Record<string, true>> = {}): T {
  checkCallOptions(options, 0);
  const o = (options ?? {}) as T;
  checkKeys(o, { ...CALL_OPTION_KEYS, ...known }, '', { code: ErrorCode.INVALID_ARGUMENT, kind: 'option' });
  return o;
}

/**
 * The libvirt flag bits of the named boolean options that are `true`
 * (`bits` maps each option to its bit); `undefined` options are off.
 * @throws {@link InvalidArgumentError} when one is set but not a boolean
 */
export function flagBits(options: object, bits: Readonly<Record<string, number>>): number {
  let flags = 0;
  for (const [key, bit] of Object.entries(bits)) {
    const value: unknown = (options as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') throw new InvalidArgumentError(`${key} must be a boolean`, { path: key });
    if (value) flags |= bit;
  }
  return flags;
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
 * Check a whole number within `[min, max]`.
 * @throws {@link InvalidArgumentError}
 */
export function checkInteger(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`${path} must be a whole number from ${min} to ${max}`, { path });
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
 * Check an XML document given as a string: non-empty (libvirt parses it).
 * @throws {@link InvalidArgumentError}
 */
export function checkXml(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidArgumentError(`${path} must be a non-empty XML string`, { path });
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
