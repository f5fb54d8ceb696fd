/**
 * Shared input checks of the cloud-init builders. Every failure is an
 * {@link InvalidArgumentError} with code `ERR_LIBVIRT_INVALID_SPEC` and a
 * `path`; messages describe the rule, never the offending value, because
 * values may be secrets (passwords, tokens inside files).
 *
 * @module
 */
import { ErrorCode, InvalidArgumentError } from '../../errors/index.js';
import { ISO9660_LIMITS } from './iso9660.js';

/** An `InvalidArgumentError` for a bad cloud-init input field. */
export function invalidSpec(message: string, path: string): InvalidArgumentError {
  return new InvalidArgumentError(`${path}: ${message}`, { path, code: ErrorCode.INVALID_SPEC });
}

/** `true` for `{...}` objects (not arrays, class instances, Buffers or null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A string without NUL characters and without unpaired UTF-16 surrogates (which UTF-8 cannot carry). */
export function requireText(value: unknown, path: string): string {
  if (typeof value !== 'string') throw invalidSpec('must be a string', path);
  if (value.includes('\0')) throw invalidSpec('must not contain NUL characters', path);
  if (LONE_SURROGATE.test(value)) throw invalidSpec('must not contain unpaired UTF-16 surrogates', path);
  return value;
}

/** A single-line string: {@link requireText} and no CR/LF. */
export function requireLine(value: unknown, path: string): string {
  const text = requireText(value, path);
  if (/[\r\n]/.test(text)) throw invalidSpec('must be a single line', path);
  return text;
}

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** An RFC 1123 host name or FQDN: dot-separated labels of letters, digits and inner hyphens, ≤ 253 characters. */
export function requireHostname(value: unknown, path: string): string {
  const text = requireLine(value, path);
  if (text.length > 253 || !text.split('.').every((label) => LABEL.test(label))) {
    throw invalidSpec('must be a host name (labels of [A-Za-z0-9-], at most 63 characters each, 253 in all)', path);
  }
  return text;
}

/** A POSIX user or group name as cloud-init and useradd accept it by default. */
export const USER_NAME_RE = /^[a-z_][a-z0-9_-]{0,31}$/;

/**
 * Most entries a cloud-init list (`packages`, `runcmd`, `sshAuthorizedKeys`,
 * `writeFiles`, `groups`…) takes: the seed ISO holds at most 16 MiB of files
 * ({@link ISO9660_LIMITS}), and every entry takes at least 4 bytes of its
 * user-data, so a longer list could never be written (4,194,304).
 */
export const MAX_SEED_LIST_ENTRIES = ISO9660_LIMITS.maxTotalBytes / 4;

/**
 * A list checked for its shape before any entry is looked at: an array of at
 * most `max` entries, refused from its `length` alone (so
 * `new Array(2 ** 32 - 1)` is refused at once, never walked), and without
 * holes: a sparse array's first missing entry is named
 * (`disks[3]: is empty (sparse array)`), where `map`/`forEach` would skip it
 * unchecked. Returns a copy, so later changes to the caller's array change
 * nothing checked.
 *
 * @param tooMany - the refusal when there are more than `max` entries (the rule and its reason)
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path` or `path[i]`)
 */
export function denseArray(value: unknown, path: string, max: number, tooMany = `must have at most ${max} entries`): unknown[] {
  if (!Array.isArray(value)) throw invalidSpec('must be an array', path);
  const list = value as unknown[];
  if (list.length > max) throw invalidSpec(`has ${list.length} entries: ${tooMany}`, path);
  for (let i = 0; i < list.length; i++) if (!(i in list)) throw invalidSpec('is empty (sparse array)', `${path}[${i}]`);
  return list.slice();
}

/**
 * An optional list: `undefined` stays `undefined`, anything else must be a
 * {@link denseArray} of at most {@link MAX_SEED_LIST_ENTRIES} entries
 * (returned as a copy).
 */
export function optionalArray(value: unknown, path: string): unknown[] | undefined {
  if (value === undefined) return undefined;
  return denseArray(
    value,
    path,
    MAX_SEED_LIST_ENTRIES,
    `the seed ISO holds ${ISO9660_LIMITS.maxTotalBytes} bytes, at most ${MAX_SEED_LIST_ENTRIES} entries`,
  );
}
