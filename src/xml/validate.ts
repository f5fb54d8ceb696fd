import { invalidSpec } from './errors.js';
import { checkXmlText } from './core/writer.js';

/**
 * The SDK's rule for names it gives to domains, networks and pools: 1–63
 * characters, ASCII letters, digits and `._+-`, starting with a letter or digit.
 *
 * libvirt itself only refuses empty names, `/` and line breaks, but a name
 * ends up in file names (`/etc/libvirt/qemu/<name>.xml`, `<name>_VARS.fd`,
 * `/var/log/libvirt/qemu/<name>.log`), in QEMU's `-name guest=<name>` (where
 * `,` must be escaped), in systemd-machined scope names (escaped and
 * truncated), in shells and URLs, and usually becomes the guest's host name
 * through cloud-init. 63 is the DNS label limit; the character set needs no
 * quoting in any of those places; the first character rules out `.`/`..` and
 * names that look like command-line options.
 */
export const SDK_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,62}$/;

/** Which rule a name is checked against: the SDK's strict one or libvirt's own. */
export type NameRule = 'sdk' | 'libvirt';

/**
 * Check a domain (or network, or pool) name.
 *
 * - `'sdk'` (default): {@link SDK_NAME_PATTERN}.
 * - `'libvirt'`: what libvirt accepts (non-empty, no `/`, no line break, valid
 *   XML), for rewriting objects that were not created by this SDK.
 *
 * @example validateName('web-01') // ok
 * @example validateName('Old VM', 'name', 'libvirt') // ok; throws with the default 'sdk' rule
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path`)
 * @see https://libvirt.org/formatdomain.html#general-metadata
 */
export function validateName(name: string, path = 'name', rule: NameRule = 'sdk'): void {
  if (typeof name !== 'string' || name === '') throw invalidSpec(path, 'must be a non-empty string');
  checkXmlText(name, path);
  if (rule === 'libvirt') {
    if (name.includes('/')) throw invalidSpec(path, 'must not contain "/"');
    if (/[\r\n]/.test(name)) throw invalidSpec(path, 'must not contain a line break');
    return;
  }
  if (!SDK_NAME_PATTERN.test(name)) {
    throw invalidSpec(
      path,
      `${show(name)} is not a valid name: use 1-63 characters from A-Z a-z 0-9 . _ + -, starting with a letter or digit`,
    );
  }
}

/** Longest storage volume name in bytes (a file name on Linux file systems). */
export const MAX_VOLUME_NAME_BYTES = 255;

/**
 * Check a storage volume name. In `dir`/`fs` pools the name is a file name in
 * the pool directory, so the rule is a safe file name: non-empty, at most 255
 * UTF-8 bytes, no `/`, no NUL or other control character, not `.` or `..`, and
 * not starting with `-` (it would read as an option to `qemu-img` and other
 * tools). Anything else, including spaces and non-ASCII, is allowed.
 *
 * @example validateVolumeName('vm1-root.qcow2') // ok
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path`)
 * @see https://libvirt.org/formatstorage.html#storage-volume-xml
 */
export function validateVolumeName(name: string, path = 'name'): void {
  if (typeof name !== 'string' || name === '') throw invalidSpec(path, 'must be a non-empty string');
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u001F\u007F]/.test(name)) throw invalidSpec(path, 'must not contain control characters');
  checkXmlText(name, path);
  if (name.includes('/')) throw invalidSpec(path, 'must not contain "/"');
  if (name === '.' || name === '..') throw invalidSpec(path, 'must not be "." or ".."');
  if (name.startsWith('-')) throw invalidSpec(path, 'must not start with "-"');
  if (Buffer.byteLength(name, 'utf8') > MAX_VOLUME_NAME_BYTES) throw invalidSpec(path, `must be at most ${MAX_VOLUME_NAME_BYTES} bytes`);
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/**
 * Check a MAC address (`52:54:00:12:34:56`, either case) and return it in the
 * lower case libvirt writes. libvirt refuses multicast addresses (low bit of the
 * first octet set) for guest NICs, so they are refused here too, as is all-zero.
 *
 * @example normalizeMac('52:54:00:AB:CD:EF') // '52:54:00:ab:cd:ef'
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path`)
 * @see https://libvirt.org/formatdomain.html#network-interfaces
 */
export function normalizeMac(mac: string, path = 'mac'): string {
  if (typeof mac !== 'string' || !MAC.test(mac))
    throw invalidSpec(path, `${show(String(mac))} is not a MAC address like 52:54:00:12:34:56`);
  const lower = mac.toLowerCase();
  if ((Number.parseInt(lower.slice(0, 2), 16) & 1) === 1) throw invalidSpec(path, 'must be a unicast MAC address');
  if (lower === '00:00:00:00:00:00') throw invalidSpec(path, 'must not be all zeros');
  return lower;
}

/**
 * Check a UUID (32 hex digits, dashes optional, either case, as libvirt
 * accepts) and return the canonical lower-case dashed form.
 *
 * @example normalizeUuid('9F2C1A526A434D0B9B0E0A5F3D1C2B7E') // '9f2c1a52-6a43-4d0b-9b0e-0a5f3d1c2b7e'
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path`)
 * @see https://libvirt.org/formatdomain.html#general-metadata
 */
export function normalizeUuid(uuid: string, path = 'uuid'): string {
  const hex = typeof uuid === 'string' ? uuid.replace(/-/g, '').toLowerCase() : '';
  if (!/^[0-9a-f]{32}$/.test(hex)) throw invalidSpec(path, `${show(String(uuid))} is not a UUID`);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `true` for a dotted-quad IPv4 address. */
export function isIPv4(address: string): boolean {
  const parts = address.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

/** `true` for an IPv6 address in text form (RFC 4291 §2.2, with optional embedded IPv4). */
export function isIPv6(address: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(address) || address.split('::').length > 2) return false;
  let groups = address.split(':');
  const last = groups[groups.length - 1] ?? '';
  let count = 0;
  if (last.includes('.')) {
    if (!isIPv4(last)) return false;
    groups = groups.slice(0, -1);
    count = 2;
  }
  const compressed = address.includes('::');
  const filled = groups.filter((g) => g !== '');
  if (!filled.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  count += filled.length;
  return compressed ? count < 8 : count === 8 && groups.length === filled.length;
}

/**
 * Check an IP address of the given family (either when omitted).
 *
 * @example validateIp('192.168.122.1', 'ips[0].address', 'ipv4')
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path`)
 * @see https://libvirt.org/formatnetwork.html#addressing
 */
export function validateIp(address: string, path: string, family?: 'ipv4' | 'ipv6'): void {
  const ok =
    typeof address === 'string' &&
    (family === 'ipv4' ? isIPv4(address) : family === 'ipv6' ? isIPv6(address) : isIPv4(address) || isIPv6(address));
  if (!ok)
    throw invalidSpec(path, `${show(String(address))} is not an ${family === 'ipv6' ? 'IPv6' : family === 'ipv4' ? 'IPv4' : 'IP'} address`);
}

/**
 * Check a Linux network interface name (a bridge or tap): 1–15 bytes
 * (`IFNAMSIZ` − 1), no `/`, `:` is allowed, no whitespace, not `.`/`..`.
 *
 * @example validateInterfaceName('virbr10', 'bridge.name')
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path`)
 * @see https://libvirt.org/formatnetwork.html#connectivity
 */
export function validateInterfaceName(name: string, path: string): void {
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.:+-]{1,15}$/.test(name) || name === '.' || name === '..') {
    throw invalidSpec(path, `${show(String(name))} is not a network interface name (1-15 characters from A-Z a-z 0-9 _ . : + -)`);
  }
}

function show(text: string): string {
  // Names are not secrets; show a bounded, escaped form to help the caller.
  return JSON.stringify(text.length > 70 ? `${text.slice(0, 70)}…` : text);
}
