import { InvalidArgumentError } from '../../errors/index.js';
import { uuidTextAt } from './uuid-text.js';

const HEX = /^[0-9a-f]{32}$/;

/** 16 raw UUID bytes → the canonical 36-character lower-case text form. */
export function uuidToString(bytes: Uint8Array): string {
  return uuidTextAt(bytes, 0);
}

/**
 * A UUID in text form → 16 raw bytes. Accepts what libvirt's `virUUIDParse`
 * accepts in practice: 32 hex digits, optionally with dashes, any case.
 *
 * @throws InvalidArgumentError when `text` is not a UUID.
 */
export function uuidToBytes(text: string, path = 'uuid'): Buffer {
  // Parsed by hand: this runs for every call that names a domain, and the
  // regex/replace/hex-decode route allocated three strings per call.
  const out = typeof text === 'string' ? parseUuid(text) : null;
  if (out === null) {
    throw new InvalidArgumentError(`${path}: ${JSON.stringify(String(text).slice(0, 64))} is not a UUID`, { path });
  }
  return out;
}

/** 32 hex digits in any case, dashes anywhere ignored → 16 bytes; `null` otherwise. */
function parseUuid(text: string): Buffer | null {
  const out = Buffer.allocUnsafe(16);
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2d) continue; // '-'
    const nibble = hexValue(c);
    if (nibble < 0 || digits === 32) return null;
    if ((digits & 1) === 0) out[digits >> 1] = nibble << 4;
    else out[digits >> 1]! |= nibble;
    digits++;
  }
  return digits === 32 ? out : null;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30; // 0-9
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10; // a-f, A-F
  return -1;
}

/** `true` when `text` is a UUID in any form {@link uuidToBytes} accepts. */
export function isUuid(text: string): boolean {
  return typeof text === 'string' && HEX.test(uuidKey(text));
}

/**
 * A UUID as one key whatever its spelling: lower case, no dashes — the one key
 * the SDK files VMs under (per-VM locks, the registry, event filters).
 * @example uuidKey('6695EB01-F6A4-8304-79AA-97F2502E193F') // '6695eb01f6a4830479aa97f2502e193f'
 */
export function uuidKey(uuid: string): string {
  return uuid.replace(/-/g, '').toLowerCase();
}
