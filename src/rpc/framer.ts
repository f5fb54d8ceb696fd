import { ProtocolError } from '../errors/index.js';
import { VIR_NET_MESSAGE_LEN_MAX, VIR_NET_MESSAGE_MAX, VIR_NET_MESSAGE_MIN } from './protocol/constants.js';
import { type MessageHeader, decodeHeader } from './protocol/header.js';

/** One complete packet: its decoded header and its payload (a view into the received bytes). */
export interface Packet {
  header: MessageHeader;
  payload: Buffer;
}

/** Options of {@link PacketFramer}. */
export interface FramerOptions {
  /**
   * Largest header+payload accepted, in bytes (excludes the length word).
   * @default VIR_NET_MESSAGE_MAX (32 MiB)
   */
  maxMessage?: number;
}

/**
 * Cuts a byte stream into libvirt RPC packets: `u32 length` (including
 * itself) · 24-byte header · payload.
 *
 * Survives any chunking (a packet split across many chunks, many packets in
 * one chunk) and copies only when a packet spans chunks. It fails closed: a
 * length below 28 or above the limit, or an invalid header, throws a
 * {@link ProtocolError} and the framer refuses all further input — the caller
 * must close the connection, since the stream cannot be resynchronised.
 */
export class PacketFramer {
  readonly #maxMessage: number;
  #chunks: Buffer[] = [];
  #buffered = 0;
  /** Total length of the packet being assembled, or 0 while unknown. */
  #expected = 0;
  #failed: ProtocolError | null = null;

  constructor(options: FramerOptions = {}) {
    this.#maxMessage = options.maxMessage ?? VIR_NET_MESSAGE_MAX;
  }

  /** Bytes held while waiting for the rest of a packet. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /**
   * Feed received bytes; `onPacket` is called for each complete packet, in
   * order. Throws {@link ProtocolError} on a malformed frame.
   */
  push(chunk: Buffer, onPacket: (packet: Packet) => void): void {
    if (this.#failed !== null) throw this.#failed;
    let offset = 0;
    // Fast path: nothing buffered, parse packets straight out of the chunk.
    if (this.#buffered === 0) {
      while (chunk.length - offset >= VIR_NET_MESSAGE_LEN_MAX) {
        const length = this.#checkLength(chunk.readUInt32BE(offset));
        if (chunk.length - offset < length) break;
        onPacket(this.#packet(chunk, offset, length));
        offset += length;
      }
      if (offset === chunk.length) return;
      chunk = offset === 0 ? chunk : chunk.subarray(offset);
    }
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    this.#drain(onPacket);
  }

  /** Assemble packets from the buffered chunks. */
  #drain(onPacket: (packet: Packet) => void): void {
    for (;;) {
      if (this.#expected === 0) {
        if (this.#buffered < VIR_NET_MESSAGE_LEN_MAX) return;
        this.#expected = this.#checkLength(this.#peekLength());
      }
      if (this.#buffered < this.#expected) return;
      const bytes = this.#take(this.#expected);
      this.#expected = 0;
      onPacket(this.#packet(bytes, 0, bytes.length));
    }
  }

  #peekLength(): number {
    const first = this.#chunks[0]!;
    if (first.length >= VIR_NET_MESSAGE_LEN_MAX) return first.readUInt32BE(0);
    const head = Buffer.concat(this.#chunks, Math.min(this.#buffered, 16)).subarray(0, VIR_NET_MESSAGE_LEN_MAX);
    return head.readUInt32BE(0);
  }

  /** Remove exactly `n` bytes from the front of the buffered chunks. */
  #take(n: number): Buffer {
    const first = this.#chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const c = this.#chunks[0]!;
        const need = n - filled;
        if (c.length <= need) {
          c.copy(out, filled);
          filled += c.length;
          this.#chunks.shift();
        } else {
          c.copy(out, filled, 0, need);
          this.#chunks[0] = c.subarray(need);
          filled += need;
        }
      }
    }
    this.#buffered -= n;
    return out;
  }

  #checkLength(length: number): number {
    if (length < VIR_NET_MESSAGE_MIN) {
      this.#fail(new ProtocolError(`packet length ${length} is below the minimum of ${VIR_NET_MESSAGE_MIN}`));
    }
    if (length - VIR_NET_MESSAGE_LEN_MAX > this.#maxMessage) {
      const max = this.#maxMessage + VIR_NET_MESSAGE_LEN_MAX;
      this.#fail(new ProtocolError(`packet length ${length} exceeds the maximum of ${max}${textHint(length)}`));
    }
    return length;
  }

  /** The packet of `length` bytes at `offset` of `bytes` (length already checked). One view, no copy. */
  #packet(bytes: Buffer, offset: number, length: number): Packet {
    let header: MessageHeader;
    try {
      header = decodeHeader(bytes, offset + VIR_NET_MESSAGE_LEN_MAX);
    } catch (error) {
      this.#fail(error as ProtocolError);
    }
    return { header, payload: bytes.subarray(offset + VIR_NET_MESSAGE_MIN, offset + length) };
  }

  #fail(error: ProtocolError): never {
    this.#failed = error;
    this.#chunks = [];
    this.#buffered = 0;
    throw error;
  }
}

/**
 * A length word that is four printable ASCII characters ("HTTP" = 1213486160,
 * "SSH-") is a peer speaking a text protocol, not libvirt: say so, since the
 * number alone reads like a corrupt libvirt stream.
 */
function textHint(length: number): string {
  const bytes = [length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff];
  if (!bytes.every((b) => b >= 0x20 && b <= 0x7e)) return '';
  return `: the peer sent text (${JSON.stringify(String.fromCharCode(...bytes))}), so it is probably not a libvirt daemon (check the URI's host and port)`;
}
