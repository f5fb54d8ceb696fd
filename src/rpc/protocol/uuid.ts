import { InvalidArgumentError } from '../../errors/index.js';

const HEX = /^[0-9a-f]{32}$/;

/** 16 raw UUID bytes → the canonical 36-character lower-case text form. */
export function uuidToString(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A UUID in text form → 16 raw bytes. Accepts what libvirt's `virUUIDParse`
 * accepts in practice: 32 hex digits, optionally with dashes, any case.
 *
 * @throws InvalidArgumentError when `text` is not a UUID.
 */
export function uuidToBytes(text: string, path = 'uuid'): Buffer {
  const hex = typeof text === 'string' ? text.replace(/-/g, '').toLowerCase() : '';
  if (!HEX.test(hex)) {
    throw new InvalidArgumentError(`${path}: ${JSON.stringify(String(text).slice(0, 64))} is not a UUID`, { path });
  }
  return Buffer.from(hex, 'hex');
}

/** `true` when `text` is a UUID in any form {@link uuidToBytes} accepts. */
export function isUuid(text: string): boolean {
  return typeof text === 'string' && HEX.test(text.replace(/-/g, '').toLowerCase());
}
