import { AbortError } from '../errors/index.js';
import { MessageType, VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX } from './protocol/constants.js';
import { encodeStreamHole } from './stream-hole.js';
import type { StreamPacketType } from './stream-options.js';

/** What the writer needs from its stream and the client under it. */
export interface StreamWriterHost {
  /** Send one CONTINUE packet of the stream; `false` when the socket buffer is full. */
  send(payload: Buffer, type: StreamPacketType): boolean;
  /** Resolve when the socket takes more (or reject when it closed, or when `signal` fires). */
  waitWritable(signal?: AbortSignal): Promise<void>;
  /** Throw unless the stream still takes data: its abort's or failure's error, or a `ProtocolError` once it is ending. */
  assertWritable(): void;
}

/**
 * The sending side of a stream: data cut into libvirt's packets, holes, the
 * wait on socket back-pressure, and the counts of what went out. Apart from
 * `RpcStream` because it shares nothing with the receiving side and the end
 * handshake but the check that the stream is still open, which the stream
 * gives it. Every packet is checked against that and against `signal` before
 * it is sent, so nothing goes out after an abort or once the caller gave up.
 */
export class StreamWriter {
  readonly #host: StreamWriterHost;
  #bytes = 0;
  #holeBytes = 0;

  constructor(host: StreamWriterHost) {
    this.#host = host;
  }

  /** Data bytes sent so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Bytes of holes sent so far. */
  get holeBytes(): number {
    return this.#holeBytes;
  }

  /** Send `bytes` in packets of at most 262,120 bytes (what libvirt itself sends), waiting whenever the socket is full. */
  async data(bytes: Buffer, signal?: AbortSignal): Promise<void> {
    for (let offset = 0; offset < bytes.length; offset += VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX) {
      const piece = bytes.subarray(offset, offset + VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX);
      const more = this.#send(piece, MessageType.VIR_NET_STREAM, signal);
      this.#bytes += piece.length;
      if (!more) await this.#host.waitWritable(signal);
    }
  }

  /**
   * Send a hole of `length` bytes (one STREAM_HOLE packet).
   * @throws {@link InvalidArgumentError} unless `length` is a positive safe integer (before anything else)
   */
  async hole(length: number, signal?: AbortSignal): Promise<void> {
    const payload = encodeStreamHole(length);
    const more = this.#send(payload, MessageType.VIR_NET_STREAM_HOLE, signal);
    this.#holeBytes += length;
    if (!more) await this.#host.waitWritable(signal);
  }

  /** Send one packet if the stream still takes data and the caller has not given up; `false`: wait before the next. */
  #send(payload: Buffer, type: StreamPacketType, signal: AbortSignal | undefined): boolean {
    this.#host.assertWritable();
    if (signal?.aborted === true) throw new AbortError('stream write aborted', { cause: signal.reason });
    return this.#host.send(payload, type);
  }
}
