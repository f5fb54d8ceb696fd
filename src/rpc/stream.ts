import { AbortError, InvalidStateError, type LibvirtManagerError, ProtocolError } from '../errors/index.js';
import { checkDuration } from './client-types.js';
import { MessageStatus, MessageType } from './protocol/constants.js';
import type { MessageHeader } from './protocol/header.js';
import type { Procedure } from './protocol/procedure.js';
import { decodeRemoteError } from './protocol/remote-error.js';
import { remoteProcedureName } from './protocol/procedure-names.js';
import { type SparseChunk, type StreamHole, decodeStreamHole } from './stream-hole.js';
import { StreamEnd, type StreamEndKind } from './stream-end.js';
import { StreamInbox } from './stream-inbox.js';
import { StreamWriter } from './stream-writer.js';

/** What a stream needs from the client that owns the socket. */
export interface StreamHost {
  /** Send one STREAM (or, for a hole, STREAM_HOLE) packet for `stream`; returns `false` when the socket buffer is full. */
  sendStreamPacket(stream: RpcStream<unknown>, status: MessageStatus, payload: Buffer, type?: StreamPacketType): boolean;
  /** Resolve when the socket can take more data (or reject when it closed). */
  waitWritable(signal?: AbortSignal): Promise<void>;
  /** Stop reading the socket: a stream consumer is behind. */
  pauseReading(stream: RpcStream<unknown>): void;
  /** Resume reading the socket. */
  resumeReading(stream: RpcStream<unknown>): void;
  /** Forget the stream: no more packets will be routed to it. */
  release(stream: RpcStream<unknown>): void;
}

export {
  type RpcStreamOptions,
  STREAM_ABORT_TIMEOUT_MS,
  type StreamAbortOptions,
  type StreamOperationOptions,
  type StreamPacketType,
} from './stream-options.js';
import type { RpcStreamOptions, StreamAbortOptions, StreamOperationOptions, StreamPacketType } from './stream-options.js';
import { STREAM_ABORT_TIMEOUT_MS } from './stream-options.js';

/** Largest zero-filled buffer the plain byte API hands out for a hole at once. */
const HOLE_ZEROS_MAX = 1024 * 1024;

type State = 'open' | 'eof' | 'finishing' | 'closed' | 'failed';

/**
 * A libvirt data stream bound to the serial of the call that opened it
 * (volume upload/download, console, screenshot).
 *
 * Reading: iterate with `for await (const chunk of stream)`; when the daemon
 * signals end of data (an empty CONTINUE packet) the iterator completes the
 * finish handshake itself. Breaking out of the loop early aborts the stream
 * (see {@link RpcStream.abort}: bounded, even when the consumer had stopped
 * reading and back-pressure had paused the socket). A loop ends normally only
 * when every byte arrived and the daemon confirmed the finish; an abort from
 * elsewhere (a `signal` handler, a timeout) ends it with an `AbortError`.
 * Ending it yourself: {@link RpcStream.finish} delivers the data the daemon
 * sent before confirming; {@link RpcStream.abort} discards it.
 * Writing: `await write(chunk)` (split into libvirt's 262,120-byte packets,
 * waiting on socket back-pressure), then `await finish()`. A daemon-side
 * failure (e.g. disk full) rejects the next `write`/`finish` with the
 * daemon's `LibvirtError`.
 */
export class RpcStream<R = void> implements AsyncIterable<Buffer> {
  /** Program of the call that opened the stream. */
  readonly program: number;
  /** Program version of the call that opened the stream; every stream packet carries it. */
  readonly version: number;
  /** Procedure of the call that opened the stream. */
  readonly proc: number;
  /** Serial of the call that opened the stream; every stream packet carries it. */
  readonly serial: number;
  /** The decoded reply of the call that opened the stream (e.g. the MIME type of a screenshot). */
  reply!: R;
  readonly #host: StreamHost;
  #state: State = 'open';
  /** Received data and (sparse streams only) holes, in order, and the socket's back-pressure. */
  readonly #inbox: StreamInbox;
  /** The daemon signalled end of data (an empty CONTINUE); kept apart from `#state`, which a finish moves on. */
  #eofReceived = false;
  /** Why the stream ended other than by a confirmed finish: set by `abort()` (then received data is dropped) or a failure. */
  #error: LibvirtManagerError | null = null;
  /** The finish or abort the client sent, and who waits for it. */
  readonly #ending = new StreamEnd();
  #bytesReceived = 0;
  #holeBytesReceived = 0;
  /** Data and holes out, and the socket's back-pressure on them. */
  readonly #writer: StreamWriter;
  /** The call asked for a sparse stream: holes are allowed both ways. */
  readonly sparse: boolean;

  /** @internal Built by `RpcClient.openStream`. */
  constructor(
    host: StreamHost,
    call: Pick<Procedure<unknown, unknown>, 'program' | 'version' | 'proc'>,
    serial: number,
    options: RpcStreamOptions = {},
  ) {
    this.#host = host;
    this.program = call.program;
    this.version = call.version;
    this.proc = call.proc;
    this.serial = serial;
    this.#inbox = new StreamInbox(
      options.highWaterMark ?? 4 * 1024 * 1024,
      () => host.pauseReading(this),
      () => host.resumeReading(this),
    );
    this.sparse = options.sparse ?? false;
    this.#writer = new StreamWriter({
      send: (payload, type) => host.sendStreamPacket(this, MessageStatus.VIR_NET_CONTINUE, payload, type),
      waitWritable: (signal) => host.waitWritable(signal),
      assertWritable: () => this.#assertWritable(),
    });
  }

  /** Data bytes received so far. */
  get bytesReceived(): number {
    return this.#bytesReceived;
  }

  /** Data bytes sent so far. */
  get bytesSent(): number {
    return this.#writer.bytes;
  }

  /** Bytes of holes received so far (sparse streams). */
  get holeBytesReceived(): number {
    return this.#holeBytesReceived;
  }

  /** Bytes of holes sent so far (sparse streams). */
  get holeBytesSent(): number {
    return this.#writer.holeBytes;
  }

  /** `true` once the stream finished, aborted or failed. */
  get closed(): boolean {
    return this.#state === 'closed' || this.#state === 'failed';
  }

  /**
   * @internal Route a STREAM or STREAM_HOLE packet of this serial.
   * @throws {@link ProtocolError} when the packet names another program,
   *   program version or procedure than the call that opened the stream: the
   *   client closes the connection. (libvirt's client matches stream packets
   *   on all four and silently drops one that matches no stream; for a stream
   *   that is still open that would lose data unnoticed, so here it fails closed.)
   */
  receive(header: MessageHeader, payload: Buffer): void {
    if (header.prog !== this.program || header.vers !== this.version || header.proc !== this.proc) {
      throw new ProtocolError(
        `stream packet for serial ${this.serial} carries program 0x${header.prog.toString(16)} version ${header.vers} proc ${header.proc}, expected version ${this.version} of ${remoteProcedureName(this.proc)}`,
      );
    }
    if (this.closed) return; // late packets after close are dropped, as libvirt does
    if (header.type === MessageType.VIR_NET_STREAM_HOLE && header.status === MessageStatus.VIR_NET_CONTINUE) {
      this.#receiveHole(payload);
      return;
    }
    switch (header.status) {
      case MessageStatus.VIR_NET_CONTINUE:
        if (payload.length === 0) {
          // libvirt signals read EOF with an empty CONTINUE, not with OK.
          this.#eofReceived = true;
          if (this.#state === 'open') this.#state = 'eof';
        } else if (this.#error === null) {
          this.#bytesReceived += payload.length;
          this.#inbox.push(payload);
          this.#applyBackPressure();
        }
        this.#inbox.wake();
        return;
      case MessageStatus.VIR_NET_OK:
        // The daemon confirms our finish, or our abort: only a confirmed finish resolves finish().
        this.#close();
        if (this.#ending.sent === 'finish') this.#ending.confirm();
        else this.#ending.release(this.#error);
        return;
      case MessageStatus.VIR_NET_ERROR:
        this.fail(decodeRemoteError(payload, { program: this.program, proc: this.proc, name: remoteProcedureName(this.proc) }));
        return;
    }
  }

  #receiveHole(payload: Buffer): void {
    let holes: StreamHole[];
    try {
      // libvirtd sends holes only when the call asked for a sparse stream; its client refuses them otherwise, and so do we.
      if (!this.sparse) throw new ProtocolError(`unexpected stream hole on ${remoteProcedureName(this.proc)} (not a sparse stream)`);
      holes = decodeStreamHole(payload);
    } catch (error) {
      // The framing is intact, so only this stream fails; the daemon is told to drop it.
      if (!this.closed && this.#state !== 'finishing') {
        try {
          this.#host.sendStreamPacket(this, MessageStatus.VIR_NET_ERROR, Buffer.alloc(0));
        } catch {
          // The connection is gone: nothing to tell the daemon.
        }
      }
      this.fail(error as ProtocolError);
      return;
    }
    if (this.#error !== null) return;
    for (const hole of holes) {
      this.#holeBytesReceived += hole.hole;
      this.#inbox.push(hole);
    }
    this.#applyBackPressure();
    this.#inbox.wake();
  }

  #applyBackPressure(): void {
    // Only while open: once we asked to finish, the socket must stay read until the daemon confirms.
    if (this.#state === 'open') this.#inbox.pauseIfFull();
  }

  /** @internal Fail the stream (daemon error, connection loss). */
  fail(error: LibvirtManagerError): void {
    if (this.closed) return;
    // During an abort, readers keep seeing the abort: that is what they were told the stream is.
    this.#error ??= error;
    this.#state = 'failed';
    this.#release();
    this.#inbox.wake();
    this.#ending.release(error);
  }

  /**
   * Next chunk of data, or `null` at the end of data: the daemon signalled it,
   * or confirmed a finish. On a sparse stream a hole reads as zero-filled
   * chunks (of at most 1 MiB each), as libvirt's `virStreamRecv` does; use
   * {@link RpcStream.readSparse} to get the hole itself.
   *
   * `null` means every byte the daemon sent was delivered. Once the stream
   * is aborted ({@link RpcStream.abort}, by anyone), a pending and every
   * later `read` rejects with an `AbortError` (its `cause` is the abort's
   * `reason`), so a truncated transfer never passes for a complete one.
   * @throws {@link AbortError} after an abort of the stream, or when `signal` fires (the stream stays open then)
   * @throws the daemon's `LibvirtError`, or `ConnectionClosedError`, after the data received before it
   */
  async read(options: StreamOperationOptions = {}): Promise<Buffer | null> {
    const head = this.#inbox.head;
    if (head !== undefined && !Buffer.isBuffer(head) && head.hole > HOLE_ZEROS_MAX) {
      head.hole -= HOLE_ZEROS_MAX;
      return Buffer.alloc(HOLE_ZEROS_MAX);
    }
    const chunk = await this.readSparse(options);
    return chunk === null || Buffer.isBuffer(chunk) ? chunk : Buffer.alloc(chunk.hole);
  }

  /**
   * Next chunk of a sparse stream — data bytes or a {@link StreamHole} — or
   * `null` at end of data. On a stream that is not sparse it returns data only.
   * Ends like {@link RpcStream.read}: after an abort it rejects, never `null`.
   * @throws the daemon's `LibvirtError`, `ConnectionClosedError`, `ProtocolError` (malformed hole), or `AbortError` (see `read`).
   * @see virStreamRecvFlags (VIR_STREAM_RECV_STOP_AT_HOLE), virStreamRecvHole
   */
  async readSparse(options: StreamOperationOptions = {}): Promise<SparseChunk | null> {
    for (;;) {
      const chunk = this.#inbox.shift();
      if (chunk !== undefined) return chunk;
      if (this.#error !== null) throw this.#error;
      if (!this.#moreDataPossible()) return null;
      await this.#inbox.waitForChunk(options.signal);
    }
  }

  /**
   * Whether the daemon may still send data. A finish does not end the data:
   * the daemon sends what it had already read (a console's last lines) ahead
   * of its confirmation, in order on the socket, so until that confirmation a
   * reader waits for it rather than seeing the end. EOF or the confirmation
   * end it (an abort or a failure is `#error`, checked first).
   */
  #moreDataPossible(): boolean {
    if (this.#eofReceived) return false;
    return this.#state === 'open' || this.#state === 'finishing';
  }

  /**
   * Iterate over received data (holes as zeros); completes the finish
   * handshake at end of data, aborts if left early (quietly: the consumer chose
   * it). Throws what {@link RpcStream.read} and {@link RpcStream.finish} throw,
   * the `AbortError` of an abort by someone else included.
   */
  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return this.#iterate(() => this.read());
  }

  /**
   * Iterate over a sparse stream's chunks: data as `Buffer`, holes as
   * `{ hole: bytes }`. Completes the finish handshake at end of data, aborts
   * if left early, like plain iteration.
   *
   * @example
   * for await (const chunk of stream.sparseChunks()) {
   *   if (Buffer.isBuffer(chunk)) await file.write(chunk, 0, chunk.length, position), (position += chunk.length);
   *   else position += chunk.hole; // leave a hole in the file
   * }
   * @see virStreamSparseRecvAll
   */
  sparseChunks(): AsyncIterable<SparseChunk> {
    return { [Symbol.asyncIterator]: () => this.#iterate(() => this.readSparse()) };
  }

  async *#iterate<T>(next: () => Promise<T | null>): AsyncGenerator<T, void, undefined> {
    let completed = false;
    try {
      for (;;) {
        const chunk = await next();
        if (chunk === null) break;
        yield chunk;
      }
      completed = true;
      await this.finish();
    } finally {
      if (!completed && !this.closed) await this.abort().catch(() => undefined);
    }
  }

  /**
   * Send data; resolves once it is handed to the socket (respecting back-pressure).
   * @throws the daemon's `LibvirtError` if it already failed the stream; the `AbortError` of an abort (see {@link RpcStream.abort})
   */
  async write(data: Uint8Array, options: StreamOperationOptions = {}): Promise<void> {
    const bytes = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    await this.#writer.data(bytes, options.signal);
  }

  /**
   * Send a hole of `length` bytes on a sparse stream: the daemon skips them
   * (for a file volume: seeks and truncates, leaving a hole that reads as
   * zeros; for a block device: writes zeros).
   * @throws {@link InvalidStateError} on a stream not opened as sparse (libvirtd 9.0 would close the whole connection: "Unexpected stream hole")
   * @throws {@link InvalidArgumentError} unless `length` is a positive safe integer
   * @throws the daemon's `LibvirtError` if it already failed the stream; the `AbortError` of an abort
   * @see virStreamSendHole
   */
  async writeHole(length: number, options: StreamOperationOptions = {}): Promise<void> {
    if (!this.sparse)
      throw new InvalidStateError(
        'send a hole on',
        'not sparse',
        `cannot send a hole on ${remoteProcedureName(this.proc)}: the stream is not sparse`,
      );
    await this.#writer.hole(length, options.signal);
  }

  #assertWritable(): void {
    if (this.#error !== null) throw this.#error;
    if (this.#state !== 'open' && this.#state !== 'eof') {
      throw new ProtocolError(`stream ${remoteProcedureName(this.proc)} is ${this.#state}`);
    }
  }

  /**
   * Finish the stream: tell the daemon we are done and wait until it confirms
   * (for uploads, that is when libvirt has written everything). Idempotent.
   *
   * Data the daemon sent before its confirmation (a console's output in
   * flight) is still delivered: {@link RpcStream.read} keeps returning it,
   * and returns `null` only once the confirmation arrived or the daemon had
   * signalled the end of data. To discard it instead, {@link RpcStream.abort}.
   *
   * It resolves only on the daemon's confirmation of this finish, and once
   * confirmed every later call resolves too (an abort that raced the
   * confirmation does not undo it). A stream aborted before the finish went
   * out, or whose abort ended it before the daemon confirmed (the abort's
   * deadline passed), rejects with that abort's `AbortError`: the daemon
   * never said the data was complete. A `signal` already aborted rejects
   * before anything is sent, so the stream stays open for an `abort()`.
   * @throws {@link AbortError} when the stream was aborted (see above), or when `signal` fires (after the finish went out, it stays sent: libvirt may still commit the data)
   * @throws the daemon's `LibvirtError` (e.g. an upload's write failed), or `ConnectionClosedError`
   * @see virStreamFinish
   */
  finish(options: StreamOperationOptions = {}): Promise<void> {
    return this.#end('finish', options);
  }

  /**
   * Abort the stream; the daemon discards it and confirms. Idempotent; never
   * throws for a closed stream.
   *
   * Data not read yet is discarded, and so is data still arriving ahead of
   * the daemon's confirmation; a pending and every later {@link RpcStream.read}
   * rejects with an `AbortError` whose `cause` is `reason` (never `null`, which
   * means complete). A `for await` loop that the consumer left early aborts
   * the stream too, but that consumer reads no more and sees nothing. A
   * `finish()` still waiting rejects with the same error, unless the daemon
   * confirms the finish it had already been sent.
   * If back-pressure had paused the socket, reading resumes first (the
   * confirmation comes over that socket). The wait is bounded by `timeout`
   * (default 5 s, `STREAM_ABORT_TIMEOUT_MS`): past it — the daemon is stuck,
   * or another stream still holds the socket paused — the stream is released
   * locally and `abort` resolves; the connection stays usable. Packets of
   * this stream's serial that arrive after that (late data, the confirmation)
   * are dropped, as for any stream already closed, never treated as a
   * protocol error. The serial is not reused before the 32-bit counter wraps.
   *
   * @throws {@link AbortError} when `signal` fires first
   * @throws {@link InvalidArgumentError} for a `timeout` out of range
   * @see virStreamAbort
   */
  async abort(options: StreamAbortOptions = {}): Promise<void> {
    if (this.closed) return;
    const timeout = checkDuration(options.timeout, 'timeout') ?? STREAM_ABORT_TIMEOUT_MS;
    this.#error ??= new AbortError(
      `the ${remoteProcedureName(this.proc)} stream was aborted`,
      options.reason === undefined ? {} : { cause: options.reason },
    );
    this.#inbox.clear();
    this.#inbox.resume();
    // A reader waiting for data gets the abort now, not after the confirmation.
    this.#inbox.wake();
    // Not unref'd: the caller awaits this, and it is bounded.
    const deadline =
      timeout > 0
        ? setTimeout(() => {
            this.#close();
            this.#ending.release(this.#error);
          }, timeout)
        : undefined;
    try {
      await this.#end('abort', options);
    } finally {
      clearTimeout(deadline);
    }
  }

  #end(kind: StreamEndKind, options: StreamOperationOptions): Promise<void> {
    if (kind === 'finish') {
      // The daemon said the data is complete; an abort that raced its confirmation does not undo that.
      if (this.#ending.confirmed) return Promise.resolve();
      // A finish after an abort or a failure is never confirmed; one sent before it still may be.
      if (this.#error !== null && (this.closed || this.#ending.sent !== 'finish')) return Promise.reject(this.#error);
      // Not sent once the caller gave up: the daemon would commit an upload its caller is told was aborted.
      if (options.signal?.aborted === true && this.#ending.sent === null)
        return Promise.reject(new AbortError('stream finish aborted', { cause: options.signal.reason }));
    }
    if (this.closed) return Promise.resolve();
    if (this.#ending.send(kind)) {
      this.#state = 'finishing';
      // The confirmation comes over the socket: it must not stay paused for data nobody will read first.
      this.#inbox.resume();
      this.#host.sendStreamPacket(this, kind === 'finish' ? MessageStatus.VIR_NET_OK : MessageStatus.VIR_NET_ERROR, Buffer.alloc(0));
    }
    return this.#ending.wait(kind, options.signal);
  }

  /** The stream is over (confirmed, or an abort released at its deadline); the caller settles the waiters. */
  #close(): void {
    this.#state = 'closed';
    this.#release();
    this.#inbox.wake();
  }

  #release(): void {
    this.#inbox.resume();
    this.#host.release(this);
  }
}
