/**
 * The check a resource method runs on its options bag before anything is
 * sent: `{ signal, timeout }` (checkCallOptions) and no key the method does
 * not take (a misspelled `confg` would otherwise be ignored in silence).
 *
 * @module
 */
import { ErrorCode, InvalidArgumentError, type KnownKeys, checkKeys } from '../../errors/index.js';
import { checkCallOptions } from '../../rpc/index.js';

/**
 * Check an options bag wider than `{ signal, timeout }` (a bag of just those:
 * `checkOnlyCallOptions`): an object or nothing, `signal` and `timeout` valid,
 * no key `keys` does not list.
 * @example checkOptions(options, { ...CALL_OPTION_KEYS, live: true, config: true });
 * @throws InvalidArgumentError naming the option (`path`)
 */
export function checkOptions<T extends object>(options: T | undefined, keys: KnownKeys<T>): void {
  checkCallOptions(options, 0);
  if (options !== undefined) checkKeys(options, keys, '', { code: ErrorCode.INVALID_ARGUMENT, kind: 'option' });
}

/** A boolean option or nothing. @throws InvalidArgumentError */
export function booleanOption(value: unknown, path: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new InvalidArgumentError(`${path} must be a boolean`, { path });
}

/** An integer from `min` to `max`. @throws InvalidArgumentError */
export function integerIn(value: unknown, min: number, max: number, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw new InvalidArgumentError(`${path} must be an integer from ${min} to ${max}`, { path });
  return value;
}

/** A non-empty device name (disk target, path, interface or MAC) with no NUL. @throws InvalidArgumentError */
export function deviceName(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 4096 || value.includes('\0'))
    throw new InvalidArgumentError(`${path} must be a non-empty device name`, { path });
  return value;
}
