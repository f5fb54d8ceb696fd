import { invalidSpec } from './errors.js';

/** Largest size accepted anywhere: 2^63 − 1 bytes (libvirt and QEMU keep sizes in signed 64-bit `off_t`). */
export const MAX_SIZE_BYTES: bigint = 2n ** 63n - 1n;

/** A size: bytes as a number or bigint, or a string with a libvirt unit such as `'2GiB'`, `'512M'`, `'10G'`, `'1.5GiB'`. */
export type SizeInput = string | number | bigint;

/** Options of {@link parseSize}. */
export interface ParseSizeOptions {
  /** Model path named in errors. @default 'size' */
  path?: string;
  /** Unit of a bare number inside a string (`'1024'`). @default 'B' */
  defaultUnit?: string;
}

const EXPONENT: Readonly<Record<string, number>> = { k: 1, m: 2, g: 3, t: 4, p: 5, e: 6 };

/**
 * Bytes per `unit`, following libvirt's `virScaleInteger` exactly, so a size
 * means here what it means in libvirt XML and `virsh`:
 * `b`/`byte`/`bytes` (any case) = 1; `k` `M` `G` `T` `P` `E` (any case) and
 * `KiB` `MiB` `GiB` `TiB` `PiB` `EiB` are powers of 1024; `KB` `MB` `GB` `TB`
 * `PB` `EB` are powers of 1000. (So `'10G'` is 10 GiB, as in `qemu-img`.)
 * Returns undefined for anything else (`'kb'`, `'gigabytes'`).
 *
 * @example unitScale('GiB') // 1073741824n
 * @example unitScale('GB') // 1000000000n
 * @see https://libvirt.org/formatdomain.html#memory-allocation (the unit list)
 */
export function unitScale(unit: string): bigint | undefined {
  if (/^(b|bytes?)$/i.test(unit)) return 1n;
  const exponent = EXPONENT[unit.charAt(0).toLowerCase()];
  if (exponent === undefined) return undefined;
  const rest = unit.slice(1);
  if (rest === '' || rest === 'iB') return 1024n ** BigInt(exponent);
  if (rest === 'B') return 1000n ** BigInt(exponent);
  return undefined;
}

const SIZE = /^\s*([0-9]+)(?:\.([0-9]+))?\s*([A-Za-z]*)\s*$/;

/**
 * Parse a size to a whole number of bytes.
 *
 * Numbers and bigints are bytes and must be non-negative integers (numbers
 * also safe integers). Strings are a non-negative decimal with an optional
 * fraction and an optional unit ({@link unitScale}); the result must be a whole
 * number of bytes. No signs, exponents (`1e3`), thousands separators or
 * hexadecimal. Everything is capped at {@link MAX_SIZE_BYTES}.
 *
 * @example parseSize('2GiB') // 2147483648n
 * @example parseSize('1.5KiB') // 1536n
 * @example parseSize('10G') // 10737418240n (G = GiB, as in libvirt)
 * @example parseSize('1GB') // 1000000000n
 * @example parseSize(4096) // 4096n
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path`) for negative, fractional-byte, malformed, unknown-unit or too-large sizes.
 * @see https://libvirt.org/formatdomain.html#memory-allocation
 */
export function parseSize(input: SizeInput, options: ParseSizeOptions = {}): bigint {
  const path = options.path ?? 'size';
  if (typeof input === 'bigint') return checkRange(input, path);
  if (typeof input === 'number') {
    if (!Number.isSafeInteger(input)) throw invalidSpec(path, 'must be a whole number of bytes (a safe integer)');
    return checkRange(BigInt(input), path);
  }
  if (typeof input !== 'string') throw invalidSpec(path, 'must be a number of bytes or a string such as "2GiB"');
  const match = SIZE.exec(input);
  if (match === null) throw invalidSpec(path, `${quote(input)} is not a size (expected e.g. "2GiB", "512MiB", "10G")`);
  const [, whole = '', fraction = '', unit = ''] = match;
  const scale = unitScale(unit === '' ? (options.defaultUnit ?? 'B') : unit);
  if (scale === undefined) throw invalidSpec(path, `unknown size unit ${quote(unit)}`);
  // Guard the BigInt work against absurdly long digit strings.
  if (whole.replace(/^0+/, '').length > 20 || fraction.length > 20) throw invalidSpec(path, `exceeds ${MAX_SIZE_BYTES} bytes`);
  const denominator = 10n ** BigInt(fraction.length);
  const numerator = (BigInt(whole) * denominator + BigInt(fraction === '' ? '0' : fraction)) * scale;
  if (numerator % denominator !== 0n) throw invalidSpec(path, `${quote(input)} is not a whole number of bytes`);
  return checkRange(numerator / denominator, path);
}

/**
 * A value and unit as libvirt writes them (`<memory unit='KiB'>262144</memory>`,
 * `<capacity unit='bytes'>…`) → bytes. `value` must be a plain non-negative
 * integer; `unit` defaults to `defaultUnit` (KiB for domain memory, bytes for storage).
 *
 * @example scaledToBytes('262144', 'KiB', 'KiB', 'memory') // 268435456n
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`) for a non-integer value, an unknown unit or an out-of-range size.
 * @see https://libvirt.org/formatstorage.html#storage-volume-xml
 */
export function scaledToBytes(value: string, unit: string | undefined, defaultUnit: string, path: string): bigint {
  if (!/^\s*[0-9]+\s*$/.test(value)) throw invalidSpec(path, `${quote(value)} is not a non-negative integer`);
  const scale = unitScale(unit ?? defaultUnit);
  if (scale === undefined) throw invalidSpec(path, `unknown size unit ${quote(unit ?? defaultUnit)}`);
  if (value.trim().replace(/^0+/, '').length > 20) throw invalidSpec(path, `exceeds ${MAX_SIZE_BYTES} bytes`);
  return checkRange(BigInt(value.trim()) * scale, path);
}

const FORMAT_UNITS: readonly [string, bigint][] = [
  ['EiB', 1024n ** 6n],
  ['PiB', 1024n ** 5n],
  ['TiB', 1024n ** 4n],
  ['GiB', 1024n ** 3n],
  ['MiB', 1024n ** 2n],
  ['KiB', 1024n],
];

/**
 * Bytes → an exact string in the largest binary unit that divides it:
 * `2147483648n` → `'2GiB'`, sizes that are not a multiple of 1024
 * stay in bytes. Always `parseSize(formatSize(x)) === x`.
 *
 * @example formatSize(2147483648n) // '2GiB'
 * @example formatSize(1536n * 1024n) // '1536KiB'
 * @example formatSize(1000n) // '1000B'
 * @see parseSize
 */
export function formatSize(bytes: bigint): string {
  for (const [unit, scale] of FORMAT_UNITS) if (bytes !== 0n && bytes % scale === 0n) return `${bytes / scale}${unit}`;
  return `${bytes}B`;
}

function checkRange(value: bigint, path: string): bigint {
  if (value < 0n) throw invalidSpec(path, 'must not be negative');
  if (value > MAX_SIZE_BYTES) throw invalidSpec(path, `exceeds ${MAX_SIZE_BYTES} bytes (2^63 - 1)`);
  return value;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
