import { InvalidArgumentError } from '../../errors/index.js';

const INT32_MIN = -0x8000_0000;
const INT32_MAX = 0x7fff_ffff;
const UINT32_MAX = 0xffff_ffff;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;
const ZERO_PAD = Buffer.alloc(4);

/**
 * Growable big-endian XDR (RFC 4506) encoder.
 *
 * Values are validated as they are written: an out-of-range number or an
 * over-long string throws {@link InvalidArgumentError} naming `path`, before a
 * single byte reaches the socket.
 */
export class XdrWriter {
  #buf: Buffer;
  #pos = 0;

  /** @param initialSize first buffer size; small buffers come from Node's shared pool. */
  constructor(initialSize = 256) {
    this.#buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#pos;
  }

  /** The encoded bytes (a view, valid until the next write). */
  bytes(): Buffer {
    return this.#buf.subarray(0, this.#pos);
  }

  /** Make room for `n` more bytes, doubling the buffer as needed. */
  #reserve(n: number): void {
    const need = this.#pos + n;
    if (need <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.#buf.copy(next, 0, 0, this.#pos);
    this.#buf = next;
  }

  /** Reserve `n` bytes to be filled later (the packet length word and header). */
  skip(n: number): void {
    this.#reserve(n);
    this.#pos += n;
  }

  /** Overwrite a 4-byte unsigned int at `offset` (used for the frame length). */
  patchUint(offset: number, value: number): void {
    this.#buf.writeUInt32BE(value, offset);
  }

  int(value: number, path = 'int'): void {
    if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
      throw new InvalidArgumentError(`${path}: ${String(value)} is not a 32-bit signed integer`, { path });
    }
    this.#reserve(4);
    this.#buf.writeInt32BE(value, this.#pos);
    this.#pos += 4;
  }

  uint(value: number, path = 'uint'): void {
    if (!Number.isInteger(value) || value < 0 || value > UINT32_MAX) {
      throw new InvalidArgumentError(`${path}: ${String(value)} is not a 32-bit unsigned integer`, { path });
    }
    this.#reserve(4);
    this.#buf.writeUInt32BE(value, this.#pos);
    this.#pos += 4;
  }

  hyper(value: bigint | number, path = 'hyper'): void {
    const v = toBigInt(value, path);
    if (v < INT64_MIN || v > INT64_MAX) {
      throw new InvalidArgumentError(`${path}: ${v} is not a 64-bit signed integer`, { path });
    }
    this.#reserve(8);
    this.#buf.writeBigInt64BE(v, this.#pos);
    this.#pos += 8;
  }

  uhyper(value: bigint | number, path = 'uhyper'): void {
    const v = toBigInt(value, path);
    if (v < 0n || v > UINT64_MAX) {
      throw new InvalidArgumentError(`${path}: ${v} is not a 64-bit unsigned integer`, { path });
    }
    this.#reserve(8);
    this.#buf.writeBigUInt64BE(v, this.#pos);
    this.#pos += 8;
  }

  double(value: number, path = 'double'): void {
    if (typeof value !== 'number') {
      throw new InvalidArgumentError(`${path}: expected a number`, { path });
    }
    this.#reserve(8);
    this.#buf.writeDoubleBE(value, this.#pos);
    this.#pos += 8;
  }

  bool(value: boolean, path = 'bool'): void {
    if (typeof value !== 'boolean') {
      throw new InvalidArgumentError(`${path}: expected a boolean`, { path });
    }
    this.uint(value ? 1 : 0, path);
  }

  /** Raw bytes followed by zero padding to a multiple of 4 (no length prefix). */
  fixedOpaque(bytes: Uint8Array, length: number, path = 'opaque'): void {
    if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
      throw new InvalidArgumentError(`${path}: expected exactly ${length} bytes`, { path });
    }
    this.#raw(bytes);
  }

  /** Length-prefixed bytes, padded to a multiple of 4. */
  opaque(bytes: Uint8Array, max: number, path = 'opaque'): void {
    if (!(bytes instanceof Uint8Array)) {
      throw new InvalidArgumentError(`${path}: expected bytes`, { path });
    }
    if (bytes.length > max) {
      throw new InvalidArgumentError(`${path}: ${bytes.length} bytes exceeds the maximum of ${max}`, { path });
    }
    this.uint(bytes.length, path);
    this.#raw(bytes);
  }

  /** Length-prefixed UTF-8 string, padded to a multiple of 4; `max` is in bytes. */
  string(value: string, max: number, path = 'string'): void {
    if (typeof value !== 'string') {
      throw new InvalidArgumentError(`${path}: expected a string`, { path });
    }
    // Cheap upper bound first, so a 100 MiB string is refused without encoding it.
    if (value.length > max) {
      throw new InvalidArgumentError(`${path}: string of ${value.length} characters exceeds the maximum of ${max} bytes`, { path });
    }
    const byteLength = Buffer.byteLength(value, 'utf8');
    if (byteLength > max) {
      throw new InvalidArgumentError(`${path}: string of ${byteLength} bytes exceeds the maximum of ${max}`, { path });
    }
    const padded = (byteLength + 3) & ~3;
    this.#reserve(4 + padded);
    this.#buf.writeUInt32BE(byteLength, this.#pos);
    this.#pos += 4;
    this.#buf.write(value, this.#pos, byteLength, 'utf8');
    this.#pos += byteLength;
    for (let i = byteLength; i < padded; i++) this.#buf[this.#pos++] = 0;
  }

  /** Append bytes as-is plus XDR padding. */
  #raw(bytes: Uint8Array): void {
    const pad = (4 - (bytes.length & 3)) & 3;
    this.#reserve(bytes.length + pad);
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
    if (pad > 0) {
      ZERO_PAD.copy(this.#buf, this.#pos, 0, pad);
      this.#pos += pad;
    }
  }

  /** Append bytes verbatim, without padding (stream data, pre-encoded payloads). */
  append(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
  }
}

function toBigInt(value: bigint | number, path: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new InvalidArgumentError(`${path}: ${String(value)} is not an integer (use a bigint beyond 2^53)`, { path });
}
