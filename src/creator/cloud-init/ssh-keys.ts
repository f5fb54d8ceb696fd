/**
 * Checks that a string is an OpenSSH public key line (`authorized_keys`
 * format), so a typo or a pasted private key fails before a VM is created
 * rather than as a locked-out guest.
 *
 * @module
 */
import { invalidSpec, requireLine } from './validate.js';

/** Key types accepted in `authorized_keys` by current OpenSSH (DSA is gone since OpenSSH 9.8). */
const KEY_TYPES = new Set([
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'ssh-ed25519-cert-v01@openssh.com',
  'ssh-rsa-cert-v01@openssh.com',
  'ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'ecdsa-sha2-nistp384-cert-v01@openssh.com',
  'ecdsa-sha2-nistp521-cert-v01@openssh.com',
  'sk-ssh-ed25519-cert-v01@openssh.com',
  'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com',
]);

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * `true` when `blob` (base64) is an SSH wire-format key (RFC 4253 6.6) whose
 * first field names `type`. Plain keys (not certificates) must also split
 * exactly into length-prefixed fields, which catches most truncated keys.
 */
function blobNamesType(blob: string, type: string): boolean {
  if (!BASE64.test(blob) || blob.length % 4 !== 0) return false;
  const bytes = Buffer.from(blob, 'base64');
  const fields: Buffer[] = [];
  let off = 0;
  while (off + 4 <= bytes.length) {
    const length = bytes.readUInt32BE(off);
    if (off + 4 + length > bytes.length) break;
    fields.push(bytes.subarray(off + 4, off + 4 + length));
    off += 4 + length;
    if (type.includes('-cert-')) break; // certificates continue with fixed-size fields
  }
  if (fields[0]?.toString('latin1') !== type) return false;
  return type.includes('-cert-') || (off === bytes.length && fields.length >= 2);
}

/**
 * Throw unless `value` is one OpenSSH public key line:
 * `[options] <type> <base64> [comment]`, e.g. `ssh-ed25519 AAAAC3Nz… user@host`.
 * The base64 blob must decode and name the same key type. Error messages do
 * not quote the value.
 *
 * @throws {InvalidArgumentError} code `ERR_LIBVIRT_INVALID_SPEC` at `path`.
 */
export function requireSshPublicKey(value: unknown, path: string): string {
  if (typeof value === 'string' && /PRIVATE KEY/.test(value)) {
    throw invalidSpec('is a PRIVATE key; pass the public key (the .pub file) instead', path);
  }
  const line = requireLine(value, path).trim();
  const tokens = line.split(/\s+/);
  // Options (`from="…",no-pty`) may precede the type; find the type token.
  const at = tokens.findIndex((token, i) => KEY_TYPES.has(token) && tokens[i + 1]?.startsWith('AAAA'));
  if (at < 0) {
    throw invalidSpec(
      'is not an OpenSSH public key line (expected e.g. "ssh-ed25519 AAAA… comment"; types: ssh-ed25519, ssh-rsa, ecdsa-sha2-*, sk-*)',
      path,
    );
  }
  if (!blobNamesType(tokens[at + 1]!, tokens[at]!)) {
    throw invalidSpec('has a key blob that is not valid base64 of a key of the stated type (truncated or mangled?)', path);
  }
  return line;
}
