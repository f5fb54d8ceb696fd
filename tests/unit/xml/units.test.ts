import { describe, expect, it } from 'vitest';
import { ErrorCode, InvalidArgumentError } from '../../../src/errors/index.js';
import { MAX_SIZE_BYTES, formatSize, parseSize, unitScale } from '../../../src/xml/index.js';

const KiB = 1024n;
const MiB = KiB * 1024n;
const GiB = MiB * 1024n;
const TiB = GiB * 1024n;

describe('parseSize', () => {
  it.each<[string | number | bigint, bigint]>([
    ['2GiB', 2n * GiB],
    ['512MiB', 512n * MiB],
    ['10G', 10n * GiB],
    ['10g', 10n * GiB],
    ['1GB', 1_000_000_000n],
    ['1MB', 1_000_000n],
    ['1KB', 1000n],
    ['1kB', 1000n],
    ['4k', 4n * KiB],
    ['4K', 4n * KiB],
    ['4KiB', 4n * KiB],
    ['4kiB', 4n * KiB],
    ['3M', 3n * MiB],
    ['1T', TiB],
    ['1TiB', TiB],
    ['1TB', 10n ** 12n],
    ['1P', 1024n ** 5n],
    ['1PB', 10n ** 15n],
    ['1E', 1024n ** 6n],
    ['7EiB', 7n * 1024n ** 6n],
    ['1.5GiB', (3n * GiB) / 2n],
    ['0.5KiB', 512n],
    ['1.25MiB', 1280n * KiB],
    ['100', 100n],
    ['100b', 100n],
    ['100B', 100n],
    ['100bytes', 100n],
    ['1 byte', 1n],
    ['  2 GiB  ', 2n * GiB],
    ['0', 0n],
    ['0GiB', 0n],
    ['007MiB', 7n * MiB],
    [4096, 4096n],
    [0, 0n],
    [2n ** 40n, 2n ** 40n],
    [MAX_SIZE_BYTES, MAX_SIZE_BYTES],
    ['9223372036854775807', MAX_SIZE_BYTES],
  ])('%s → %s bytes', (input, expected) => {
    expect(parseSize(input)).toBe(expected);
  });

  it('uses defaultUnit for bare numbers in strings', () => {
    expect(parseSize('1024', { defaultUnit: 'KiB' })).toBe(MiB);
    expect(parseSize('1024MiB', { defaultUnit: 'KiB' })).toBe(GiB);
  });

  it.each<[unknown, RegExp]>([
    ['1.5.3GiB', /not a size/],
    ['-1', /not a size/],
    ['-1GiB', /not a size/],
    [-1, /must not be negative/],
    [-1n, /must not be negative/],
    ['1e400', /not a size/],
    ['1e3', /not a size/],
    [Number('1e400'), /safe integer/],
    [Number.NaN, /safe integer/],
    [1.5, /safe integer/],
    [2 ** 60, /safe integer/],
    ['', /not a size/],
    ['GiB', /not a size/],
    ['2 GiB extra', /not a size/],
    ['0x10', /not a size/],
    ['10kb', /unknown size unit/],
    ['10gigabytes', /unknown size unit/],
    ['10Gib', /unknown size unit/],
    ['10Q', /unknown size unit/],
    ['1,5GiB', /not a size/],
    ['+1GiB', /not a size/],
    ['1.3B', /not a whole number of bytes/],
    ['0.1KiB', /not a whole number of bytes/],
    ['9223372036854775808', /exceeds/],
    ['8EiB', /exceeds/],
    ['8388608TiB', /exceeds/],
    [2n ** 63n, /exceeds/],
    [2n ** 64n, /exceeds/],
    ['9'.repeat(5000), /exceeds/],
    [null, /must be a number of bytes or a string/],
    [{}, /must be a number of bytes or a string/],
  ])('%s is refused: %s', (input, message) => {
    let error: unknown;
    try {
      parseSize(input as string);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).code).toBe(ErrorCode.INVALID_SPEC);
    expect((error as InvalidArgumentError).path).toBe('size');
    expect((error as Error).message).toMatch(message);
  });

  it('names the field in errors', () => {
    expect(() => parseSize('-5G', { path: 'disks[1].size' })).toThrow(expect.objectContaining({ path: 'disks[1].size' }));
  });
});

describe('unitScale (libvirt virScaleInteger rules)', () => {
  it.each([
    ['b', 1n],
    ['BYTES', 1n],
    ['k', 1024n],
    ['KiB', 1024n],
    ['KB', 1000n],
    ['m', MiB],
    ['g', GiB],
  ])('%s = %s', (unit, scale) => expect(unitScale(unit)).toBe(scale));

  it.each(['kb', 'KIB', 'Ki', 'x', 'iB'])('%s is unknown', (unit) => expect(unitScale(unit)).toBeUndefined());
});

describe('formatSize', () => {
  it.each([
    [2n * GiB, '2GiB'],
    [1536n * KiB, '1536KiB'],
    [(3n * GiB) / 2n, '1536MiB'],
    [1000n, '1000B'],
    [0n, '0B'],
    [1024n ** 6n, '1EiB'],
  ])('%s → %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
    expect(parseSize(text)).toBe(bytes);
  });
});
