import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { AbortError, ConnectionClosedError, type LibvirtManagerError, ProtocolError } from '../errors/index.js';
import type { Packet } from './framer.js';
import { PacketIo } from './packet-io.js';
import type { KeepaliveOptions } from './keepalive.js';
import { KeepaliveLink } from './keepalive-link.js';
import { log } from './logger.js';
import { KEEPALIVE_PROC_PING, KEEPALIVE_PROGRAM, MessageStatus, MessageType } from './protocol/constants.js';
import { CONNECT_CLOSE } from './protocol/procedures/connect.js';
import type { MessageHeader } from './protocol/header.js';
import type { Procedure } from './protocol/procedure.js';
import { RpcStream, type RpcStreamOptions } from './stream.js';
import { streamPacket } from './stream-packet.js';
import { tooManyAbandonedError } from './abandoned-calls.js';
import { CallTable } from './call-table.js';
import { atCallSite, copyClosed } from './call-errors.js';
import { closeGracefully } from './graceful-close.js';
import {
  type CallOptions,
  type RawCall,
  type RpcClientEvents,
  type RpcClientOptions,
  checkCallOptions,
  checkDuration,
} from './client-types.js';
import { checkMessageVersion } from './message-checks.js';
import { type PendingCall, callPacket, checkReply, rawProcedure, settleReply } from './pending-call.js';
import { type RpcCallMessage, traceRpcCall, tracingRpc } from './tracing.js';
import { StreamTable } from './stream-table.js';

export type { CallOptions, RawCall, RpcClientEvents, RpcClientOptions } from './client-types.js';
export { CALL_OPTION_KEYS, MAX_TIMEOUT_MS, checkCallOptions, checkDuration, checkOnlyCallOptions } from './client-types.js';
export { classifyRemoteError } from './call-errors.js';
export { MAX_ABANDONED_CALLS } from './abandoned-calls.js';

/**
 * A client of libvirt's RPC protocol over any Duplex byte stream.
 *
 * Calls are pipelined: each gets a serial, replies are matched by serial in
 * whatever order they arrive, and many calls share one socket. Incoming
 * packets are routed by message type first (REPLY → the pending call, MESSAGE
 * → keepalive or the event hook, STREAM → the stream of that serial), never by
 * serial alone, because libvirt sends events with serial 1.
 *
 * On socket loss every pending call rejects with {@link ConnectionClosedError};
 * a malformed frame, or a header that does not match what it answers (program,
 * program version, procedure), closes the connection the same way (reason
 * `'protocol'`, `cause` the {@link ProtocolError}) — we never skip a packet and
 * carry on.
 *
 * Memory stays bounded against a hostile or stuck daemon: calls given up on
 * leave the pending table at once (see {@link RpcClient.abandonedCalls}), and
 * keepalive packets are never queued behind a write backlog (see
 * `keepaliveBacklogged`).
 *
 * This class does not perform the handshake: see {@link connectRpc}.
 */
export class RpcClient extends EventEmitter<RpcClientEvents> {
  readonly #socket: Duplex;
  readonly #io: PacketIo;
  readonly #options: RpcClientOptions;
  readonly #calls = new CallTable();
  readonly #streams: StreamTable;
  readonly #keepalive: KeepaliveLink;
  /** Set once by the teardown. Its error, for a close by the client, is built only when asked for (a stack capture). */
  #down = false;
  #closedError: ConnectionClosedError | null = null;
  #clientCloseMessage = '';
  readonly #error = (): ConnectionClosedError => (this.#closedError ??= new ConnectionClosedError('client', this.#clientCloseMessage));
  #closing: Promise<void> | null = null;
  #socketClosed: Promise<void>;
  readonly #streamHolds = (serial: number): boolean => this.#streams.has(serial);
  readonly #giveUp = (serial: number, error: LibvirtManagerError): void => this.#abandon(serial, error);

  constructor(socket: Duplex, options: RpcClientOptions = {}) {
    super();
    this.#socket = socket;
    this.#streams = new StreamTable({
      socket,
      write: (packet) => this.#io.write(packet),
      closedError: () => (this.#down ? this.#error() : null),
      awaitingReply: (serial) => this.#calls.has(serial),
    });
    this.#options = options;
    this.#keepalive = new KeepaliveLink({
      write: (packet) => this.#io.write(packet),
      backlog: () => socket.writableLength,
      open: () => !this.#down,
      // Only while nothing else waits for the daemon: a reply, another stream's data or finish confirmation may be
      // held behind the unread data (a consumer that waits for one before reading on), and then the keepalive is
      // what ends the wait instead of a hang.
      readingPaused: () => socket.isPaused() && this.#calls.size === 0 && this.#streams.onlyPausersOpen,
      dead: (error) => this.#teardown(error),
    });
    this.#io = new PacketIo(
      socket,
      options.maxMessage,
      (packet) => this.#route(packet),
      (error) => this.#onViolation(error),
    );
    this.#socketClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.#io.receive(chunk));
    socket.on('drain', () => this.#streams.drained());
    socket.on('error', (error: Error) =>
      this.#teardown(new ConnectionClosedError('error', `connection error: ${error.message}`, { cause: error })),
    );
    socket.on('end', () => this.#onPeerClosed('the daemon closed the connection'));
    socket.on('close', () => this.#onPeerClosed('the connection closed'));
    // A dialer may hand the socket over paused (the TLS dialer reads libvirt's confirmation byte first).
    socket.resume();
  }

  /** `true` once the connection is closed or closing; no new calls are accepted. */
  get closed(): boolean {
    return this.#down || this.#closing !== null;
  }

  /** Why the connection closed, once it has. */
  get closeError(): ConnectionClosedError | null {
    return this.#down ? this.#error() : null;
  }

  /** Calls sent whose caller still waits for the reply. */
  get pendingCalls(): number {
    return this.#calls.size;
  }

  /**
   * Calls given up on (aborted, timed out) whose reply is still due. They
   * left the pending table at once (promise, closures, timer, error are
   * gone); only a compact record of each (serial → descriptor) is kept, to
   * check the late reply as strictly as a live one and drop it. At more than
   * `MAX_ABANDONED_CALLS` (10,000) the link is declared broken: a
   * `ConnectionClosedError` with reason `'unresponsive'`.
   */
  get abandonedCalls(): number {
    return this.#calls.abandonedSize;
  }

  /**
   * Call a procedure and decode its result.
   *
   * @throws {@link LibvirtError} the daemon's error (a `DomainNotFoundError` for code 42)
   * @throws {@link UnsupportedError} the daemon does not know the procedure or the driver lacks it
   * @throws {@link InvalidArgumentError} `args` do not fit the procedure (nothing was sent)
   * @throws {@link AbortError} / {@link TimeoutError} / {@link ConnectionClosedError}
   */
  async call<A, R>(procedure: Procedure<A, R>, args: A, options: CallOptions = {}): Promise<R> {
    try {
      return await this.#start(procedure, args, options, undefined);
    } catch (error) {
      throw atCallSite(error);
    }
  }

  /**
   * Call any procedure with a pre-encoded XDR payload, for procedures this SDK
   * has no descriptor for. Resolves with the raw reply payload.
   */
  async callRaw(call: RawCall, options: CallOptions = {}): Promise<Buffer> {
    try {
      return await this.#start(rawProcedure(call), call.payload, options, undefined);
    } catch (error) {
      throw atCallSite(error);
    }
  }

  /**
   * Call a stream procedure (`@readstream`/`@writestream`, e.g. STORAGE_VOL_UPLOAD)
   * and return its stream once the daemon accepted the call. The stream is
   * registered before the call is sent, so data that follows the reply
   * immediately is never lost.
   */
  async openStream<A, R>(procedure: Procedure<A, R>, args: A, options: CallOptions & RpcStreamOptions = {}): Promise<RpcStream<R>> {
    try {
      let stream: RpcStream<R> | undefined;
      const reply = await this.#start(procedure, args, options, (serial) => {
        stream = new RpcStream<R>(this.#streams, procedure, serial, options);
        this.#streams.add(stream as RpcStream<unknown>);
        return stream as RpcStream<unknown>;
      });
      stream!.reply = reply;
      return stream!;
    } catch (error) {
      throw atCallSite(error);
    }
  }

  #start<A, R>(
    procedure: Procedure<A, R>,
    args: A,
    options: CallOptions,
    makeStream: ((serial: number) => RpcStream<unknown>) | undefined,
  ): Promise<R> {
    // Published only when someone listens: otherwise no message is built (docs/observability.md).
    if (tracingRpc())
      return traceRpcCall(procedure as Procedure<unknown, unknown>, (trace) => this.#begin(procedure, args, options, makeStream, trace));
    return this.#begin(procedure, args, options, makeStream, undefined);
  }

  #begin<A, R>(
    procedure: Procedure<A, R>,
    args: A,
    options: CallOptions,
    makeStream: ((serial: number) => RpcStream<unknown>) | undefined,
    trace: RpcCallMessage | undefined,
  ): Promise<R> {
    if (this.#closing !== null && !this.#down) {
      return Promise.reject(new ConnectionClosedError('client', 'the connection is closing'));
    }
    return this.#send(procedure, args, options, makeStream, trace);
  }

  #send<A, R>(
    procedure: Procedure<A, R>,
    args: A,
    options: CallOptions,
    makeStream: ((serial: number) => RpcStream<unknown>) | undefined,
    trace: RpcCallMessage | undefined,
  ): Promise<R> {
    if (this.#down) return Promise.reject(copyClosed(this.#error()));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new AbortError(`${procedure.name} aborted before it was sent`, { cause: signal.reason }));
    const timeout = options.timeout ?? this.#options.defaultTimeout ?? 0;
    try {
      checkDuration(timeout, 'timeout');
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const serial = this.#calls.nextSerial(this.#streamHolds);
    let packet: Buffer;
    try {
      packet = callPacket(procedure, args, serial);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<R>((resolve, reject) => {
      const pending: PendingCall = {
        procedure: procedure as Procedure<unknown, unknown>,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer: undefined,
        cleanup: undefined,
        stream: undefined,
        trace,
      };
      if (trace !== undefined) {
        trace.serial = serial;
        trace.bytesOut = packet.length;
      }
      this.#calls.track(serial, pending, timeout, signal, this.#giveUp);
      if (makeStream !== undefined) pending.stream = makeStream(serial);
      this.#io.write(packet);
    });
  }

  /**
   * Settle a call early (abort/timeout) and forget it: only its descriptor is
   * kept, so the late reply is still checked, then dropped. Past
   * `MAX_ABANDONED_CALLS` (10,000) unanswered, the link is declared broken.
   */
  #abandon(serial: number, error: LibvirtManagerError): void {
    const gone = this.#calls.abandon(serial);
    if (gone === undefined) return;
    gone.pending.stream?.fail(error);
    gone.pending.reject(error);
    if (!gone.withinBound) this.#teardown(tooManyAbandonedError());
  }

  #onViolation(error: ProtocolError): void {
    log(this.#options.logger, 'error', 'libvirt protocol violation, closing the connection', { error: error.message });
    this.#teardown(new ConnectionClosedError('protocol', `protocol violation: ${error.message}`, { cause: error }));
  }

  #route(packet: Packet): void {
    this.#keepalive.touch();
    const { header } = packet;
    switch (header.type) {
      case MessageType.VIR_NET_REPLY:
        this.#onReply(packet);
        return;
      case MessageType.VIR_NET_MESSAGE:
        this.#onMessage(packet);
        return;
      case MessageType.VIR_NET_STREAM:
      case MessageType.VIR_NET_STREAM_HOLE:
        // Packets for a stream we already closed (or released after an abort
        // went unconfirmed) are dropped, as libvirt does; a live stream checks
        // the header (program, version, procedure) itself.
        this.#streams.get(header.serial)?.receive(header, packet.payload);
        return;
      default:
        // CALL, CALL_WITH_FDS, REPLY_WITH_FDS: a daemon never sends these to us.
        throw new ProtocolError(`unexpected message type ${header.type} from the daemon (proc ${header.proc})`);
    }
  }

  #onReply({ header, payload }: Packet): void {
    const pending = this.#calls.get(header.serial);
    if (pending === undefined) {
      this.#onLateReply(header);
      return;
    }
    // Refused while the call is still in the table, so the teardown this
    // causes rejects it too (taken out first, it was never settled).
    checkReply(pending.procedure, header);
    this.#calls.remove(header.serial, pending);
    // Back-pressure a stream asked for before its call was answered (see pauseReading).
    if (pending.stream !== undefined) this.#streams.replied(pending.stream);
    settleReply(pending, header.status, payload);
  }

  /** The reply of a call given up on: checked like any reply, then dropped. Unknown serials are a protocol error. */
  #onLateReply(header: MessageHeader): void {
    const late = this.#calls.takeLate(header);
    if (late.stream && header.status === MessageStatus.VIR_NET_OK) {
      // A stream the caller gave up on was opened anyway: tell the daemon to drop it.
      const { program, version, proc } = late.procedure;
      this.#io.write(streamPacket({ program, version, proc, serial: header.serial }, MessageStatus.VIR_NET_ERROR, Buffer.alloc(0)));
    }
  }

  #onMessage({ header, payload }: Packet): void {
    checkMessageVersion(header);
    if (header.prog === KEEPALIVE_PROGRAM) {
      // Answer PINGs here, in the reader, never behind queued work.
      if (header.proc === KEEPALIVE_PROC_PING) this.#keepalive.answerPing();
      return;
    }
    const hook = this.#options.onMessage;
    if (hook === undefined) return;
    try {
      hook(header, payload);
    } catch (error) {
      log(this.#options.logger, 'warn', 'event handler threw', { proc: header.proc, error: String(error) });
    }
  }

  /**
   * Start sending our own keepalive PINGs; the connection closes with reason
   * `'keepalive'` after `interval × count` ms without any packet from the
   * daemon. Only call this after the daemon confirmed keepalive support
   * (CONNECT_SUPPORTS_FEATURE 10), as libvirt's own client does.
   */
  startKeepalive(options: KeepaliveOptions = this.#options.keepalive ?? {}): void {
    if (this.#down) return;
    this.#keepalive.start(options);
  }

  /**
   * Close gracefully: stop accepting calls, let calls in flight finish, say
   * goodbye with CONNECT_CLOSE, then end the socket. Idempotent; resolves once
   * the socket is closed. After `timeout` ms (default 5 s) it destroys the
   * connection instead; unlike a call's timeout, `0` here means "no grace: tear
   * down now", not "no limit" (a close must end).
   * @throws {@link InvalidArgumentError} (as a rejection) for a bad `timeout` or `signal`, before the close starts
   */
  close(options: CallOptions = {}): Promise<void> {
    let timeout: number;
    try {
      timeout = checkCallOptions(options, 5000);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#closing !== null) return this.#closing;
    if (this.#down) return Promise.resolve();
    this.#closing = closeGracefully(
      {
        idle: () => this.#calls.whenIdle(),
        goodbye: () =>
          this.#send(CONNECT_CLOSE, undefined, {}, undefined, undefined).then(
            () => true,
            () => false,
          ),
        hangUp: () => {
          this.#socket.end();
          return this.#socketClosed;
        },
        teardown: () => this.#teardown('the connection was closed by the client'),
      },
      timeout,
      options.signal,
    );
    return this.#closing;
  }

  #onPeerClosed(message: string): void {
    // 'end' then 'close' both land here, usually after the teardown: no error object (a stack capture) for nothing.
    if (this.#down) return;
    // After our CONNECT_CLOSE the daemon hanging up is the goodbye we asked for.
    this.#teardown(this.#closing === null ? new ConnectionClosedError('eof', message) : 'the connection was closed by the client');
  }

  /** Close immediately: reject everything pending and destroy the socket. Idempotent. */
  destroy(reason?: ConnectionClosedError): void {
    this.#teardown(reason ?? 'the connection was destroyed by the client');
  }

  /** `error`, or the message of a close by the client (its error is built only if a caller, stream or listener needs it). */
  #teardown(error: ConnectionClosedError | string): void {
    if (this.#down) return;
    this.#down = true;
    if (typeof error === 'string') this.#clientCloseMessage = error;
    else this.#closedError = error;
    this.#keepalive.stop();
    this.#calls.failAll(this.#error);
    this.#streams.failAll(this.#error);
    this.#socket.destroy();
    const [reason, message] = typeof error === 'string' ? ['client', error] : [error.reason, error.message];
    log(this.#options.logger, reason === 'client' ? 'debug' : 'warn', 'libvirt connection closed', { reason, message });
    if (this.listenerCount('close') > 0) this.emit('close', this.#error());
  }

  /** Close immediately on `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
