/**
 * Checks of the spec's free-form strings, done with the rest of the spec
 * before anything is sent: text that goes into the domain XML must be
 * representable in XML 1.0 and fit in one libvirt string, and names the spec
 * only refers to (pools, networks, bridges) must be names libvirt can hold.
 * Messages name the field and the rule, never the value (it may be a password).
 * Also the optional-boolean check every validator shares.
 *
 * @module
 */
import { specError } from './errors.js';
import { checkWellFormed, checkXmlText, validateInterfaceName, validateIp } from '../xml/index.js';

/** libvirt's limit on one string on the wire (`REMOTE_STRING_MAX`, 4 MiB): no domain XML can carry more. */
export const MAX_TEXT_BYTES = 4 * 1024 * 1024;
/** Longest pool or network name accepted (the connection's lookups refuse longer ones too). */
const MAX_NAME_CHARS = 1024;

/**
 * Text that goes into the domain XML: a string XML 1.0 can carry (no NUL or
 * other C0 control but tab and line breaks, no unpaired surrogate, no
 * U+FFFE/U+FFFF) and at most 4 MiB of UTF-8.
 *
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path`)
 */
export function xmlText(value: unknown, path: string): string {
  if (typeof value !== 'string') throw specError(path, 'must be a string');
  // UTF-8 is at most 3 bytes per UTF-16 unit: only long strings need counting.
  if (value.length * 3 > MAX_TEXT_BYTES && Buffer.byteLength(value, 'utf8') > MAX_TEXT_BYTES) {
    throw specError(path, `is longer than libvirt's ${MAX_TEXT_BYTES}-byte string limit`);
  }
  checkXmlText(value, path);
  return value;
}

/**
 * An absolute path on the libvirt host that goes into the XML (a disk image,
 * an ISO, a kernel, a log file): `/…`, not a directory (`…/`), and {@link xmlText}.
 */
export function hostPath(value: unknown, path: string): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.endsWith('/'))
    throw specError(path, 'must be an absolute path to a file on the libvirt host');
  return xmlText(value, path);
}

/**
 * The name (or UUID) of a pool or network the spec refers to. libvirt refuses
 * `/` in these names, and a name with a control character or a `..` can only
 * be a mistake or an attack, so they are refused before any lookup is sent.
 */
export function objectName(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw specError(path, 'must be a non-empty name');
  if (value.length > MAX_NAME_CHARS) throw specError(path, `must be at most ${MAX_NAME_CHARS} characters`);
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u001F\u007F]/.test(value)) throw specError(path, 'must not contain control characters');
  if (value.includes('/')) throw specError(path, 'must not contain "/"');
  if (value === '.' || value === '..') throw specError(path, 'must not be "." or ".."');
  checkXmlText(value, path);
  return value;
}

/** A host bridge: a Linux interface name (1–15 characters of `A-Z a-z 0-9 _ . : + -`). */
export function bridgeName(value: unknown, path: string): string {
  validateInterfaceName(value as string, path);
  return value as string;
}

/** A graphics listen address: an IP address or a DNS host name. */
export function listenAddress(value: unknown, path: string): string {
  if (
    typeof value === 'string' &&
    /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(value)
  )
    return value;
  validateIp(value as string, path);
  return value as string;
}

/** A raw XML element of `overrides`: well-formed, and {@link xmlText}. */
export function xmlElement(value: unknown, path: string): string {
  const xml = xmlText(value, path);
  try {
    checkWellFormed(xml, 'fragment');
  } catch (cause) {
    throw specError(path, 'is not a well-formed XML element', cause);
  }
  return xml;
}

/** An optional boolean field. */
export function optionalBool(value: unknown, path: string): void {
  if (value !== undefined && typeof value !== 'boolean') throw specError(path, 'must be a boolean');
}
