import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RemoteErrorFields } from '../errors/index.js';
import { PacketFramer, type Packet } from '../rpc/framer.js';
import {
  KEEPALIVE_PROC_PING,
  KEEPALIVE_PROC_PONG,
  KEEPALIVE_PROGRAM,
  MessageStatus,
  MessageType,
  REMOTE_PROGRAM,
} from '../rpc/protocol/constants.js';
import type { MessageHeader } from '../rpc/protocol/header.js';
import { encodePacket, encodeRawPacket } from '../rpc/protocol/packet.js';
import type { EventMessage, Procedure } from '../rpc/protocol/procedure.js';
import { AUTH_LIST } from '../rpc/protocol/procedures/auth.js';
import { CONNECT_CLOSE, CONNECT_OPEN, CONNECT_SUPPORTS_FEATURE } from '../rpc/protocol/procedures/connect.js';
import { remoteError } from '../rpc/protocol/remote-error.js';
import { XdrReader } from '../rpc/xdr/index.js';

/** What a handler decides for one call. */
export type FakeReply<R> =
  /** Reply OK with this result. */
  | { ok: R }
  /** Reply with a libvirt error (missing fields default to 0/null). */
  | { error: Partial<RemoteErrorFields> & { code: number } }
  /** Never answer. */
  | { hang: true }
  /** Close the client's socket instead of answering. */
  | { close: true }
  /** Write these raw bytes instead of a reply (malformed-frame tests). */
  | { raw: Buffer };

/** Context given to handlers. */
export interface FakeCallContext {
  /** The call's header (serial, proc…). */
  header: MessageHeader;
  /** The client connection the call came from. */
  client: FakeClient;
}

/** A handler for one procedure: may be async, so replies can come back out of order. */
export type FakeHandler<A, R> = (args: A, context: FakeCallContext) => FakeReply<R> | Promise<FakeReply<R>>;

/**
 * A one-shot handler placed in front of a procedure's handler (see
 * {@link FakeLibvirtDaemon.once}). `next()` runs the registered handler (its
 * side effects happen) and gives its reply, which the interceptor may return,
 * replace or drop: e.g. do the work, then `{ hang: true }`, for a daemon that
 * completed a call whose reply never came.
 */
export type FakeInterceptor<A, R> = (
  args: A,
  context: FakeCallContext,
  next: () => Promise<FakeReply<R>>,
) => FakeReply<R> | Promise<FakeReply<R>>;

/** One call the daemon received and decoded, as {@link FakeLibvirtDaemon.onCall} observers see it. */
export interface FakeCall {
  /** The procedure's libvirt name without `REMOTE_PROC_`, e.g. `DOMAIN_GET_STATE`. */
  name: string;
  /** The decoded arguments. */
  args: unknown;
  header: MessageHeader;
  client: FakeClient;
}

/** One client connected to the fake daemon. */
export interface FakeClient {
  /** Calls received from this client, in order (program, proc, serial). */
  readonly calls: MessageHeader[];
  /** Keepalive packets received from this client. */
  readonly keepalive: { pings: number; pongs: number };
  /** `true` once its socket is closed (by either side). */
  readonly closed: boolean;
  /** Send raw bytes to this client. */
  sendRaw(bytes: Buffer): void;
  /** Send an event MESSAGE to this client, encoded with our own codec. */
  sendEvent<T>(event: EventMessage<T>, msg: T): void;
  /** Send `count` keepalive PINGs at once, in one write (a flood, for hostile-daemon tests). @default 1 */
  ping(count?: number): void;
  /** Send a STREAM packet for `serial`. */
  sendStream(header: Pick<MessageHeader, 'proc' | 'serial' | 'status'>, payload: Buffer): void;
  /** Close the socket. */
  close(): void;
  /** Stop reading and writing without closing: the link looks dead. */
  freeze(): void;
  /**
   * Stop reading from this client but keep writing to it (a daemon that
   * never reads): what the client sends piles up in the kernel's socket
   * buffers, then in the client's own write buffer.
   */
  stopReading(): void;
  /** Read from this client again after {@link FakeClient.stopReading}; what it sent meanwhile is processed in order. */
  resumeReading(): void;
}

/** Receives the STREAM packets a client sends (upload data, finish, abort). */
export type FakeStreamHandler = (header: MessageHeader, payload: Buffer, client: FakeClient) => void;

/** Options of {@link FakeLibvirtDaemon.start}. */
export interface FakeDaemonOptions {
  /** Answer keepalive PINGs with PONGs. @default true */
  answerPings?: boolean;
  /** Value of CONNECT_SUPPORTS_FEATURE for every feature. @default 1 */
  supportsFeatures?: boolean;
}

/**
 * An in-process libvirt daemon speaking the real wire protocol over a unix
 * socket, built on the SDK's own codec. For protocol edge cases that a real
 * libvirtd will not produce on demand: hangs, malformed frames, disconnects,
 * out-of-order replies, dead keepalive links.
 *
 * It answers the handshake (AUTH_LIST → none, CONNECT_SUPPORTS_FEATURE,
 * CONNECT_OPEN, CONNECT_CLOSE) by itself; register handlers for anything else.
 * Calls without a handler get libvirt's "unknown procedure" error.
 *
 * @example
 * const daemon = await FakeLibvirtDaemon.start();
 * daemon.handle(CONNECT_GET_LIB_VERSION, () => ({ ok: { lib_ver: 9000000n } }));
 * const client = await connectRpc(`test+unix:///default?socket=${daemon.socketPath}`);
 */
export class FakeLibvirtDaemon {
  /** Path of the unix socket the daemon listens on. */
  readonly socketPath: string;
  readonly #server: Server;
  readonly #handlers = new Map<string, { procedure: Procedure<unknown, unknown>; handler: FakeHandler<unknown, unknown> }>();
  readonly #interceptors = new Map<string, { procedure: Procedure<unknown, unknown>; interceptor: FakeInterceptor<unknown, unknown> }[]>();
  readonly #observers: ((call: FakeCall) => void)[] = [];
  readonly #clients = new Set<Socket>();
  readonly #fakeClients: FakeClient[] = [];
  readonly #options: Required<FakeDaemonOptions>;
  #streamHandler: FakeStreamHandler | null = null;

  private constructor(socketPath: string, server: Server, options: FakeDaemonOptions) {
    this.socketPath = socketPath;
    this.#server = server;
    this.#options = { answerPings: options.answerPings ?? true, supportsFeatures: options.supportsFeatures ?? true };
    this.handle(AUTH_LIST, () => ({ ok: { types: [0] } }));
    this.handle(CONNECT_SUPPORTS_FEATURE, () => ({ ok: { supported: this.#options.supportsFeatures ? 1 : 0 } }));
    this.handle(CONNECT_OPEN, () => ({ ok: undefined }));
    this.handle(CONNECT_CLOSE, (_args, { client }) => {
      setImmediate(() => client.close());
      return { ok: undefined };
    });
    server.on('connection', (socket) => this.#accept(socket));
  }

  /** Start listening on a fresh socket in the temp directory. */
  static async start(options: FakeDaemonOptions = {}): Promise<FakeLibvirtDaemon> {
    const socketPath = join(tmpdir(), `libvirt-manager-fake-${randomUUID()}.sock`);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new FakeLibvirtDaemon(socketPath, server, options);
  }

  /** A libvirt URI that reaches this daemon and opens `test:///default`. */
  get uri(): string {
    return `test+unix:///default?socket=${encodeURIComponent(this.socketPath)}`;
  }

  /** Clients connected so far (including closed ones), in connection order. */
  get clients(): readonly FakeClient[] {
    return this.#fakeClients;
  }

  /** Register (or replace) the handler of a procedure. */
  handle<A, R>(procedure: Procedure<A, R>, handler: FakeHandler<A, R>): void {
    this.#handlers.set(key(procedure.program, procedure.proc), {
      procedure: procedure as Procedure<unknown, unknown>,
      handler: handler as FakeHandler<unknown, unknown>,
    });
  }

  /**
   * Put a one-shot interceptor in front of the next call of `procedure`
   * (several queue up, first in first out). For failure injection: the next
   * start fails, the next define completes but never answers, and so on.
   *
   * @example
   * daemon.once(DOMAIN_CREATE_WITH_FLAGS, () => ({ error: { code: 38, int1: 11, message: 'Resource temporarily unavailable' } }));
   * daemon.once(DOMAIN_DEFINE_XML_FLAGS, async (_args, _ctx, next) => (await next(), { hang: true }));
   */
  once<A, R>(procedure: Procedure<A, R>, interceptor: FakeInterceptor<A, R>): void {
    const k = key(procedure.program, procedure.proc);
    const queue = this.#interceptors.get(k) ?? [];
    queue.push({ procedure: procedure as Procedure<unknown, unknown>, interceptor: interceptor as FakeInterceptor<unknown, unknown> });
    this.#interceptors.set(k, queue);
  }

  /** Observe every call the daemon decodes, before it is handled (intercepted calls included). */
  onCall(observer: (call: FakeCall) => void): void {
    this.#observers.push(observer);
  }

  /** Receive the STREAM packets clients send. */
  onStream(handler: FakeStreamHandler): void {
    this.#streamHandler = handler;
  }

  /** Send an event to every connected client. */
  broadcast<T>(event: EventMessage<T>, msg: T): void {
    for (const client of this.#fakeClients) client.sendEvent(event, msg);
  }

  /** Close every client socket (simulates a daemon crash for connected clients). */
  dropClients(): void {
    for (const socket of this.#clients) socket.destroy();
  }

  /** Stop listening and close every client. */
  async stop(): Promise<void> {
    this.dropClients();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await rm(this.socketPath, { force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  #accept(socket: Socket): void {
    this.#clients.add(socket);
    socket.on('close', () => this.#clients.delete(socket));
    socket.on('error', () => socket.destroy());
    const framer = new PacketFramer();
    const calls: MessageHeader[] = [];
    let frozen = false;
    const pingPacket = encodeRawPacket(
      header(KEEPALIVE_PROGRAM, KEEPALIVE_PROC_PING, MessageType.VIR_NET_MESSAGE, 0, MessageStatus.VIR_NET_OK),
      Buffer.alloc(0),
    );
    const write = (bytes: Buffer): void => {
      if (!frozen && !socket.destroyed) socket.write(bytes);
    };
    const client: FakeClient = {
      calls,
      keepalive: { pings: 0, pongs: 0 },
      get closed() {
        return socket.destroyed;
      },
      sendRaw: write,
      sendEvent: (event, msg) =>
        write(
          encodePacket(
            header(event.program, event.proc, MessageType.VIR_NET_MESSAGE, 1, MessageStatus.VIR_NET_OK),
            event.msg,
            msg,
            event.name,
          ),
        ),
      ping: (count = 1) => write(count === 1 ? pingPacket : Buffer.concat(Array.from({ length: count }, () => pingPacket))),
      sendStream: (h, payload) =>
        write(encodeRawPacket(header(REMOTE_PROGRAM, h.proc, MessageType.VIR_NET_STREAM, h.serial, h.status), payload)),
      close: () => socket.end(),
      freeze: () => {
        frozen = true;
        socket.pause();
      },
      stopReading: () => {
        socket.pause();
      },
      resumeReading: () => {
        if (!frozen) socket.resume();
      },
    };
    this.#fakeClients.push(client);
    socket.on('data', (chunk: Buffer) => {
      if (frozen) return;
      try {
        framer.push(chunk, (packet) => this.#onPacket(packet, client, write));
      } catch {
        socket.destroy();
      }
    });
  }

  #onPacket(packet: Packet, client: FakeClient, write: (bytes: Buffer) => void): void {
    const h = packet.header;
    if (h.prog === KEEPALIVE_PROGRAM) {
      if (h.proc === KEEPALIVE_PROC_PONG) client.keepalive.pongs++;
      if (h.proc === KEEPALIVE_PROC_PING) client.keepalive.pings++;
      if (h.proc === KEEPALIVE_PROC_PING && this.#options.answerPings) {
        write(
          encodeRawPacket(
            header(KEEPALIVE_PROGRAM, KEEPALIVE_PROC_PONG, MessageType.VIR_NET_MESSAGE, 0, MessageStatus.VIR_NET_OK),
            Buffer.alloc(0),
          ),
        );
      }
      return;
    }
    if (h.type === MessageType.VIR_NET_STREAM || h.type === MessageType.VIR_NET_STREAM_HOLE) {
      this.#streamHandler?.(h, packet.payload, client);
      return;
    }
    if (h.type !== MessageType.VIR_NET_CALL) return;
    client.calls.push(h);
    const k = key(h.prog, h.proc);
    const entry = this.#handlers.get(k);
    const intercepted = this.#interceptors.get(k)?.shift();
    const procedure = entry?.procedure ?? intercepted?.procedure;
    if (procedure === undefined) {
      write(errorReply(h, UNKNOWN_PROCEDURE(h.proc)));
      return;
    }
    let args: unknown;
    try {
      args = procedure.args.decode(new XdrReader(packet.payload));
    } catch {
      write(errorReply(h, { code: 39, domain: 7, message: 'Unable to decode message payload' }));
      return;
    }
    const context: FakeCallContext = { header: h, client };
    for (const observe of this.#observers) observe({ name: procedure.name, args, header: h, client });
    const next = async (): Promise<FakeReply<unknown>> =>
      entry === undefined ? { error: UNKNOWN_PROCEDURE(h.proc) } : entry.handler(args, context);
    void Promise.resolve(intercepted === undefined ? next() : intercepted.interceptor(args, context, next)).then((reply) => {
      if ('hang' in reply) return;
      if ('close' in reply) {
        client.close();
        return;
      }
      if ('raw' in reply) {
        write(reply.raw);
        return;
      }
      if ('error' in reply) {
        write(errorReply(h, reply.error));
        return;
      }
      write(
        encodePacket({ ...h, type: MessageType.VIR_NET_REPLY, status: MessageStatus.VIR_NET_OK }, procedure.ret, reply.ok, procedure.name),
      );
    });
  }
}

/** libvirt's dispatcher answer for a procedure number it does not know (VIR_ERR_RPC from VIR_FROM_RPC). */
const UNKNOWN_PROCEDURE = (proc: number): Partial<RemoteErrorFields> & { code: number } => ({
  code: 39,
  domain: 7,
  message: `unknown procedure: ${proc}`,
});

function key(program: number, proc: number): string {
  return `${program}:${proc}`;
}

function header(prog: number, proc: number, type: MessageType, serial: number, status: MessageStatus): MessageHeader {
  return { prog, vers: 1, proc, type, serial, status };
}

function errorReply(h: MessageHeader, fields: Partial<RemoteErrorFields> & { code: number }): Buffer {
  return encodePacket(
    { ...h, type: MessageType.VIR_NET_REPLY, status: MessageStatus.VIR_NET_ERROR },
    remoteError,
    {
      code: fields.code,
      domain: fields.domain ?? 0,
      message: fields.message ?? null,
      level: fields.level ?? 2,
      dom: null,
      str1: fields.str1 ?? null,
      str2: fields.str2 ?? null,
      str3: fields.str3 ?? null,
      int1: fields.int1 ?? 0,
      int2: fields.int2 ?? 0,
      net: null,
    },
    'remote_error',
  );
}
