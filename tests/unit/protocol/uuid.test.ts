import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors/index.js';
import { isUuid, uuidToBytes, uuidToString } from '../../../src/rpc/protocol/uuid.js';

const canonical = '6695eb01-f6a4-8304-79aa-97f2502e193f';

describe('UUID text ↔ bytes', () => {
  it('round-trips the canonical form', () => {
    expect(uuidToString(uuidToBytes(canonical))).toBe(canonical);
  });

  it.each([
    canonical.toUpperCase(),
    canonical.replace(/-/g, ''),
    '6695eb01f6a4-8304-79aa97f2502e193f',
    '-6695eb01-f6a4-8304-79aa-97f2502e193f-',
  ])('accepts %s (any case, dashes anywhere)', (text) => {
    expect(uuidToString(uuidToBytes(text))).toBe(canonical);
    expect(isUuid(text)).toBe(true);
  });

  it.each(['', 'not-a-uuid', canonical.slice(0, -1), `${canonical}0`, canonical.replace('6', 'g'), `${canonical} `, 'ö'.repeat(32)])(
    'refuses %j',
    (text) => {
      expect(() => uuidToBytes(text)).toThrow(InvalidArgumentError);
      expect(isUuid(text)).toBe(false);
    },
  );

  it('refuses non-strings with a typed error', () => {
    expect(() => uuidToBytes(42 as unknown as string)).toThrow(InvalidArgumentError);
  });
});
