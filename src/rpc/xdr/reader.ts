import { ProtocolError } from '../../errors/index.js';

/**
 * Bounds-checked big-endian XDR (RFC 4506) decoder over one packet's payload.
 *
 * Every read checks that the bytes exist, and every length read from the wire
 * is checked against both the protocol maximum and the bytes actually left, so
 * a hostile peer can neither crash the process nor make it allocate more than
 * the packet it already sent. Failures are {@link ProtocolError}s.
 */
export class XdrReader {
  readonly #buf: Buffer;
  #pos: number;
  readonly #end: number;

  constructor(buf: Buffer, start = 0, end = buf.length) {
    this.#buf = buf;
    this.#pos = start;
    this.#end = end;
  }

  /** Current offset in the underlying buffer. */
  get offset(): number {
    return this.#pos;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.#end - this.#pos;
  }

  #need(n: number, what: string): void {
    if (this.#end - this.#pos < n) {
      throw new ProtocolError(`XDR: truncated ${what}: need ${n} bytes, ${this.#end - this.#pos} left`);
    }
  }

  int(): number {
    this.#need(4, 'int');
    const v = this.#buf.readInt32BE(this.#pos);
    this.#pos += 4;
    return v;
  }

  uint(): number {
    this.#need(4, 'unsigned int');
    const v = this.#buf.readUInt32BE(this.#pos);
    this.#pos += 4;
    return v;
  }

  hyper(): bigint {
    this.#need(8, 'hyper');
    const v = this.#buf.readBigInt64BE(this.#pos);
    this.#pos += 8;
    return v;
  }

  uhyper(): bigint {
    this.#need(8, 'unsigned hyper');
    const v = this.#buf.readBigUInt64BE(this.#pos);
    this.#pos += 8;
    return v;
  }

  double(): number {
    this.#need(8, 'double');
    const v = this.#buf.readDoubleBE(this.#pos);
    this.#pos += 8;
    return v;
  }

  /** XDR bool: 0 or 1; anything else is a protocol violation. */
  bool(): boolean {
    const v = this.uint();
    if (v > 1) throw new ProtocolError(`XDR: bool must be 0 or 1, got ${v}`);
    return v === 1;
  }

  /** Read `length` raw bytes plus padding; returns a copy so it outlives the packet buffer. */
  fixedOpaque(length: number): Buffer {
    const padded = (length + 3) & ~3;
    this.#need(padded, 'opaque');
    const out = Buffer.from(this.#buf.subarray(this.#pos, this.#pos + length));
    this.#pos += padded;
    return out;
  }

  /**
   * `length` fixed bytes handed to `convert` where they lie (the packet's buffer and their offset), without the
   * copy {@link fixedOpaque} makes: for values turned into something else at once, such as a UUID's text, which
   * a list of 1,000 domains decodes 1,000 times. `convert` must not keep the buffer.
   */
  fixedInPlace<T>(length: number, convert: (buf: Buffer, offset: number) => T): T {
    const padded = (length + 3) & ~3;
    this.#need(padded, 'opaque');
    const value = convert(this.#buf, this.#pos);
    this.#pos += padded;
    return value;
  }

  /** Length-prefixed bytes, at most `max`. */
  opaque(max: number): Buffer {
    const length = this.#length(max, 'opaque');
    return this.fixedOpaque(length);
  }

  /** Length-prefixed UTF-8 string, at most `max` bytes. */
  string(max: number): string {
    const length = this.#length(max, 'string');
    const padded = (length + 3) & ~3;
    this.#need(padded, 'string');
    const s = this.#buf.toString('utf8', this.#pos, this.#pos + length);
    this.#pos += padded;
    return s;
  }

  /**
   * An element count for a variable-length array: checked against the
   * declared maximum and against what the remaining bytes could possibly hold
   * (`minElementSize` bytes each), before any allocation.
   */
  count(max: number, minElementSize: number, what = 'array'): number {
    const n = this.uint();
    if (n > max) throw new ProtocolError(`XDR: ${what} of ${n} elements exceeds the maximum of ${max}`);
    if (minElementSize > 0 && n * minElementSize > this.remaining) {
      throw new ProtocolError(`XDR: ${what} of ${n} elements cannot fit in ${this.remaining} remaining bytes`);
    }
    return n;
  }

  #length(max: number, what: string): number {
    const n = this.uint();
    if (n > max) throw new ProtocolError(`XDR: ${what} of ${n} bytes exceeds the maximum of ${max}`);
    if (n > this.remaining) throw new ProtocolError(`XDR: truncated ${what}: ${n} bytes announced, ${this.remaining} left`);
    return n;
  }

  /** The rest of the payload, as a view (no copy). */
  rest(): Buffer {
    const out = this.#buf.subarray(this.#pos, this.#end);
    this.#pos = this.#end;
    return out;
  }

  /** Fail if bytes are left over: a reply longer than its type means we decoded the wrong thing. */
  expectEnd(what: string): void {
    if (this.#pos !== this.#end) {
      throw new ProtocolError(`XDR: ${this.#end - this.#pos} unexpected trailing bytes after ${what}`);
    }
  }
}
