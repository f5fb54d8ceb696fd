/**
 * Pure validation of `graphics`: type, listen address, port and password —
 * a literal, or a libvirt secret whose value the create reads later
 * (`references.ts`). Messages never carry a password.
 *
 * @module
 */
import { specError } from './errors.js';
import { SpecIssues } from './issues.js';
import { GRAPHICS_KEYS, checkSpecKeys } from './spec-keys.js';
import { listenAddress, xmlText } from './validate-text.js';
import type { GraphicsPasswordSecret } from './spec-hardware.js';
import type { GraphicsSpec, VmSpec } from './spec.js';
import { normalizeUuid } from '../xml/index.js';

/** libvirt 9.0 refuses longer VNC passwords at define ("only 8 permitted", counted in bytes): VNC's DES auth keeps 8. */
export const MAX_VNC_PASSWORD_BYTES = 8;

/** Secret usage types libvirt can look a secret up by (`virSecretLookupByUsage`; `none` has no usage ID). */
const USAGE_TYPES = ['volume', 'ceph', 'iscsi', 'tls', 'vtpm'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Check a graphics password's text: something XML can carry and, for VNC, at most {@link MAX_VNC_PASSWORD_BYTES} bytes. Used on literal
 * passwords and on the value read from a secret.
 *
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path`); the message never holds the password
 */
export function checkGraphicsPassword(password: string, type: 'vnc' | 'spice', path: string): string {
  xmlText(password, path);
  const bytes = Buffer.byteLength(password, 'utf8');
  if (type === 'vnc' && bytes > MAX_VNC_PASSWORD_BYTES)
    throw specError(path, `is ${bytes} bytes long; VNC passwords are at most ${MAX_VNC_PASSWORD_BYTES} (libvirt refuses longer ones)`);
  return password;
}

/** `{ secret: uuid | { type, id } }`: the shape only; the secret itself is looked up at create time. */
function checkPasswordSecret(value: Record<string, unknown>, path: string): GraphicsPasswordSecret {
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== 'secret') throw specError(path, 'must be a string or { secret: uuid | { type, id } }');
  const secret = value['secret'];
  if (typeof secret === 'string') return { secret: normalizeUuid(secret, `${path}.secret`) };
  if (!isObject(secret) || typeof secret['type'] !== 'string' || !USAGE_TYPES.includes(secret['type']))
    throw specError(`${path}.secret`, `must be a secret UUID or a usage { type: ${USAGE_TYPES.join(' | ')}, id }`);
  if (typeof secret['id'] !== 'string' || secret['id'] === '') throw specError(`${path}.secret.id`, 'must be a non-empty string');
  xmlText(secret['id'], `${path}.secret.id`);
  return { secret: { type: secret['type'], id: secret['id'] } };
}

/**
 * Check `graphics`; the shorthands become `{ type }`.
 *
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path`; every problem of `graphics` in `issues`)
 */
export function checkGraphics(value: VmSpec['graphics']): GraphicsSpec | undefined {
  if (value === undefined || value === 'none') return undefined;
  if (value === 'vnc' || value === 'spice') return { type: value };
  if (!isObject(value) || (value.type !== 'vnc' && value.type !== 'spice'))
    throw specError('graphics', "must be 'none', 'vnc', 'spice' or { type: 'vnc' | 'spice', … }");
  const issues = new SpecIssues();
  issues.field(() => checkSpecKeys(value, GRAPHICS_KEYS, 'graphics'));
  if (value.listen !== undefined) issues.field(() => listenAddress(value.listen, 'graphics.listen'));
  if (value.port !== undefined)
    issues.expect(Number.isSafeInteger(value.port) && value.port >= -1 && value.port <= 65535, 'graphics.port', 'must be -1 or a TCP port');
  const password = value.password;
  const checked = issues.field((): GraphicsSpec => {
    if (password === undefined) return value;
    if (typeof password === 'string') return { ...value, password: checkGraphicsPassword(password, value.type, 'graphics.password') };
    if (!isObject(password)) throw specError('graphics.password', 'must be a string or { secret: uuid | { type, id } }');
    return { ...value, password: checkPasswordSecret(password, 'graphics.password') };
  });
  issues.throwIfAny();
  return checked;
}
