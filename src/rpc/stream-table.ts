import type { Duplex } from 'node:stream';
import type { ConnectionClosedError } from '../errors/index.js';
import type { MessageStatus } from './protocol/constants.js';
import type { RpcStream, StreamHost } from './stream.js';
import { streamPacket } from './stream-packet.js';
import type { StreamPacketType } from './stream-options.js';
import { WriteGate } from './write-gate.js';

/** What the stream table needs from its client. */
export interface StreamLink {
  readonly socket: Duplex;
  /** Send a packet with the client's other packets. */
  write(packet: Buffer): boolean;
  /** Why the connection closed, or `null` while it is open. */
  closedError(): ConnectionClosedError | null;
  /** `true` while the call of `serial` waits for its reply. */
  awaitingReply(serial: number): boolean;
}

/**
 * The streams of one connection (serial → stream) and their share of the
 * socket: sending their packets, write back-pressure (`drain`), and read
 * back-pressure (the socket pauses while any stream's consumer is behind).
 * It is the {@link StreamHost} of every stream its client opens.
 */
export class StreamTable implements StreamHost {
  readonly #link: StreamLink;
  readonly #streams = new Map<number, RpcStream<unknown>>();
  readonly #pausedBy = new Set<RpcStream<unknown>>();
  readonly #writeGate = new WriteGate();

  constructor(link: StreamLink) {
    this.#link = link;
  }

  has(serial: number): boolean {
    return this.#streams.has(serial);
  }

  get(serial: number): RpcStream<unknown> | undefined {
    return this.#streams.get(serial);
  }

  add(stream: RpcStream<unknown>): void {
    this.#streams.set(stream.serial, stream);
  }

  /** The call that opened `stream` was answered: apply the back-pressure its consumer asked for meanwhile (see pauseReading). */
  replied(stream: RpcStream<unknown>): void {
    if (this.#pausedBy.has(stream)) this.#link.socket.pause();
  }

  /**
   * `true` while every open stream is one whose consumer paused the socket:
   * then nothing the client waits for (another stream's data or its finish
   * confirmation) can be held behind the unread data.
   */
  get onlyPausersOpen(): boolean {
    return this.#pausedBy.size > 0 && this.#pausedBy.size === this.#streams.size;
  }

  /** The socket drained: release every waiting writer. */
  drained(): void {
    this.#writeGate.open();
  }

  /** The connection closed: every stream and waiting writer fails with `error()` (built only if there is one). */
  failAll(error: () => ConnectionClosedError): void {
    if (this.#streams.size === 0 && this.#writeGate.waiting === 0) return;
    const closed = error();
    for (const stream of [...this.#streams.values()]) stream.fail(closed);
    this.#streams.clear();
    this.#writeGate.fail(closed);
  }

  /** @internal */
  sendStreamPacket(stream: RpcStream<unknown>, status: MessageStatus, payload: Buffer, type?: StreamPacketType): boolean {
    const closed = this.#link.closedError();
    if (closed !== null) throw closed;
    return this.#link.write(streamPacket(stream, status, payload, type));
  }

  /** @internal */
  waitWritable(signal?: AbortSignal): Promise<void> {
    const closed = this.#link.closedError();
    if (closed !== null) return Promise.reject(closed);
    if (!this.#link.socket.writableNeedDrain) return Promise.resolve();
    return this.#writeGate.wait(signal);
  }

  /** @internal */
  pauseReading(stream: RpcStream<unknown>): void {
    this.#pausedBy.add(stream);
    // Not while the call that opens the stream awaits its reply: the caller
    // cannot read the stream before that reply, and pausing would hold the
    // reply back (a deadlock when data arrives first). `replied` pauses then.
    if (!this.#link.awaitingReply(stream.serial)) this.#link.socket.pause();
  }

  /** @internal */
  resumeReading(stream: RpcStream<unknown>): void {
    this.#pausedBy.delete(stream);
    if (this.#pausedBy.size === 0 && this.#link.closedError() === null) this.#link.socket.resume();
  }

  /** @internal */
  release(stream: RpcStream<unknown>): void {
    if (this.#streams.get(stream.serial) === stream) this.#streams.delete(stream.serial);
  }
}
