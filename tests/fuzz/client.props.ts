/**
 * Fuzz property of {@link RpcClient} over an in-memory Duplex: with calls in
 * flight (and sometimes a download stream being read), the "daemon" sends a
 * mix of valid replies (results and errors), events, keepalives and stream
 * packets (data, end of data, errors, holes), then garbage or mutations of
 * all that, in random chunks, and hangs up. Checked:
 *
 * - every call settles, with a value or a typed error, and a stream reader
 *   finishes — nothing throws uncaught, no promise rejection goes unhandled;
 * - when the bytes break the framing, the connection closes with reason
 *   `'protocol'`, `cause` a `ProtocolError`, and every call still pending is
 *   rejected with that `ConnectionClosedError` (same reason, same cause);
 * - no timer is left behind (per-call timeouts, keepalive), the socket is
 *   destroyed, nothing stays pending;
 * - events handed to `onMessage` decode or fail with `ProtocolError` only.
 *
 * @module
 */
import { Duplex } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import fc from 'fast-check';
import { ConnectionClosedError, LibvirtManagerError, ProtocolError } from '../../src/errors/index.js';
import { RpcClient } from '../../src/rpc/client.js';
import {
  ALL_PROCEDURES,
  EVENT_BY_PROC,
  KEEPALIVE_PROC_PING,
  KEEPALIVE_PROGRAM,
  type MessageHeader,
  MessageStatus,
  MessageType,
  REMOTE_PROGRAM,
  STORAGE_VOL_DOWNLOAD,
  decodeEvent,
  remoteError,
} from '../../src/rpc/protocol/index.js';
import { type Codec, XdrWriter } from '../../src/rpc/xdr/index.js';
import { choices, generate } from './choice-reader.js';
import { WIRE_PACKETS } from './fixtures.js';
import { packet, referenceFrames } from './framer.props.js';
import { type FuzzTarget, FuzzFailure, checkThrown, ensure, guardAsync, typed } from './harness.js';
import { applyChunking, byteMutations, chunking, mutateBytes } from './mutate.js';

/** A socket whose far end is the test: `push` feeds the client, writes are kept. */
class MemorySocket extends Duplex {
  readonly written: Buffer[] = [];
  override _read(): void {}
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.written.push(chunk);
    callback();
  }
}

/**
 * Run `body` with uncaught exceptions and unhandled rejections collected
 * into `escaped` instead of reaching the runner (only while one input runs:
 * anything escaping later is reported by the test runner or worker itself).
 */
async function trappingEscapes(escaped: unknown[], body: () => Promise<void>): Promise<void> {
  const trap = (reason: unknown): void => {
    escaped.push(reason);
  };
  process.on('unhandledRejection', trap);
  process.on('uncaughtException', trap);
  try {
    await body();
  } finally {
    process.off('unhandledRejection', trap);
    process.off('uncaughtException', trap);
  }
}

function timers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

function encode(codec: Codec<unknown>, value: unknown): Buffer | null {
  const w = new XdrWriter(64);
  try {
    codec.encode(w, value, 'value');
  } catch {
    return null; // e.g. a generated typed-param field too long to send: not this property's concern
  }
  return Buffer.from(w.bytes());
}

function generated(codec: Codec<unknown>, list: readonly number[]): Buffer {
  try {
    return encode(codec, generate(codec, list)) ?? Buffer.alloc(0);
  } catch {
    return Buffer.alloc(0);
  }
}

/** What the daemon says, before corruption. */
type Frame =
  | { kind: 'reply'; call: number; error: boolean; wrongProc: boolean; body: number[] }
  | { kind: 'event'; route: number; body: number[] }
  | { kind: 'keepalive'; ping: boolean }
  | { kind: 'stream'; call: number; status: number; hole: boolean; data: Uint8Array }
  | { kind: 'captured'; index: number }
  | { kind: 'download'; chunks: Uint8Array[]; confirm: boolean }
  | { kind: 'garbage'; bytes: Uint8Array };

/** `true` about one time in six. */
const rarely = fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });

const frame: fc.Arbitrary<Frame> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('reply' as const), call: fc.nat(), error: fc.boolean(), wrongProc: rarely, body: choices }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('event' as const), route: fc.nat(), body: choices }) },
  fc.record({ kind: fc.constant('keepalive' as const), ping: fc.boolean() }),
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('stream' as const),
      call: fc.nat(),
      status: fc.oneof(fc.constant(2), fc.nat({ max: 2 })),
      hole: rarely,
      // Some of exactly a STREAM_HOLE payload's size (12 bytes), so holes on a sparse download decode now and then.
      data: fc.oneof(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ minLength: 12, maxLength: 12 })),
    }),
  },
  fc.record({ kind: fc.constant('captured' as const), index: fc.nat() }),
  // A whole download as libvirt sends it: the reply, data, end of data (empty CONTINUE), the finish confirmation (OK).
  fc.record({
    kind: fc.constant('download' as const),
    chunks: fc.array(fc.uint8Array({ minLength: 1, maxLength: 200 }), { maxLength: 4 }),
    confirm: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('garbage' as const), bytes: fc.uint8Array({ maxLength: 64 }) }),
);

const ROUTES = [...EVENT_BY_PROC.values()];
const CALLABLE = ALL_PROCEDURES.filter((p) => p.stream === undefined);

interface SentCall {
  serial: number;
  proc: number;
  ret: Codec<unknown>;
}

function frameBytes(f: Frame, sent: readonly SentCall[]): Buffer {
  const header = (h: Partial<MessageHeader>): MessageHeader => ({
    prog: REMOTE_PROGRAM,
    vers: 1,
    proc: 0,
    type: MessageType.VIR_NET_REPLY,
    serial: 0,
    status: MessageStatus.VIR_NET_OK,
    ...h,
  });
  switch (f.kind) {
    case 'reply': {
      const call = sent.length === 0 ? undefined : sent[f.call % sent.length];
      const serial = call?.serial ?? f.call;
      const proc = call === undefined || f.wrongProc ? f.call & 0xffff : call.proc;
      const body = f.error
        ? generated(remoteError as Codec<unknown>, f.body)
        : call === undefined
          ? Buffer.alloc(0)
          : generated(call.ret, f.body);
      return packet(header({ proc, serial, status: f.error ? MessageStatus.VIR_NET_ERROR : MessageStatus.VIR_NET_OK }), body);
    }
    case 'event': {
      const route = ROUTES[f.route % ROUTES.length]!;
      return packet(
        header({ proc: route.descriptor.proc, type: MessageType.VIR_NET_MESSAGE, serial: 1 }),
        generated(route.descriptor.msg as Codec<unknown>, f.body),
      );
    }
    case 'keepalive':
      return packet(
        header({ prog: KEEPALIVE_PROGRAM, proc: f.ping ? KEEPALIVE_PROC_PING : 2, type: MessageType.VIR_NET_MESSAGE }),
        Buffer.alloc(0),
      );
    case 'stream': {
      const serial = sent.length === 0 ? f.call : sent[f.call % sent.length]!.serial;
      const type = f.hole ? MessageType.VIR_NET_STREAM_HOLE : MessageType.VIR_NET_STREAM;
      return packet(header({ type, serial, status: f.status as MessageHeader['status'] }), f.data);
    }
    case 'captured':
      return WIRE_PACKETS[f.index % WIRE_PACKETS.length]!;
    case 'download': {
      const call = sent.find((c) => c.proc === STORAGE_VOL_DOWNLOAD.proc);
      if (call === undefined) return Buffer.alloc(0);
      const h = { proc: call.proc, serial: call.serial };
      return Buffer.concat([
        packet(header(h), Buffer.alloc(0)),
        ...f.chunks.map((data) => packet(header({ ...h, type: MessageType.VIR_NET_STREAM, status: MessageStatus.VIR_NET_CONTINUE }), data)),
        packet(header({ ...h, type: MessageType.VIR_NET_STREAM, status: MessageStatus.VIR_NET_CONTINUE }), Buffer.alloc(0)),
        ...(f.confirm
          ? [packet(header({ ...h, type: MessageType.VIR_NET_STREAM, status: MessageStatus.VIR_NET_OK }), Buffer.alloc(0))]
          : []),
      ]);
    }
    case 'garbage':
      return Buffer.from(f.bytes);
  }
}

type Ending = 'eof' | 'socket-error' | 'client-destroy';

export interface ClientInput {
  calls: { proc: number; args: number[]; timeout: boolean }[];
  /** Choices for the arguments of a STORAGE_VOL_DOWNLOAD stream opened beside the calls, or none. */
  download: number[] | null;
  /** The download is opened sparse (holes allowed, read with `sparseChunks()`). */
  sparse: boolean;
  keepalive: boolean;
  frames: Frame[];
  mutations: Parameters<typeof mutateBytes>[1] | null;
  how: Parameters<typeof applyChunking>[1];
  ending: Ending;
}

const clientInput: fc.Arbitrary<ClientInput> = fc.record({
  calls: fc.array(fc.record({ proc: fc.nat(), args: choices, timeout: fc.boolean() }), { minLength: 1, maxLength: 4 }),
  download: fc.option(choices, { nil: null }),
  sparse: fc.boolean(),
  keepalive: fc.boolean(),
  frames: fc.array(frame, { maxLength: 8 }),
  mutations: fc.option(byteMutations, { nil: null }),
  how: chunking,
  ending: fc.constantFrom<Ending>('eof', 'eof', 'socket-error', 'client-destroy'),
});

/** How inputs ended, by outcome, so a run can show what it exercised (printed by `scripts/fuzz.ts --verbose`). */
export const clientCoverage: Record<string, number> = {};

export async function runClient(input: ClientInput): Promise<void> {
  const escaped: unknown[] = [];
  await trappingEscapes(escaped, () => exercise(input, escaped));
}

async function exercise(input: ClientInput, escaped: readonly unknown[]): Promise<void> {
  const timersBefore = timers();
  const socket = new MemorySocket();
  const eventFailures: unknown[] = [];
  const client = new RpcClient(socket, {
    onMessage: (header, payload) => {
      try {
        decodeEvent(header.proc, payload);
      } catch (error) {
        if (!(error instanceof ProtocolError)) eventFailures.push(error);
      }
    },
  });
  try {
    if (input.keepalive) client.startKeepalive({ interval: 60_000, count: 3 });

    // Calls in flight, with and without per-call timeout timers.
    const outcomes = input.calls.map((c) => {
      const proc = CALLABLE[c.proc % CALLABLE.length]!;
      let args: unknown;
      try {
        args = generate(proc.args, c.args);
      } catch {
        args = undefined; // an arm-less union pick: the call fails validation (typed) instead
      }
      return client.call(proc, args, c.timeout ? { timeout: 60_000 } : {}).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
    });
    if (input.download !== null) {
      // A read stream, drained by a reader that must finish (end of data, or a typed error) once the connection ends.
      const args = generate(STORAGE_VOL_DOWNLOAD.args, input.download);
      outcomes.push(
        client
          .openStream(STORAGE_VOL_DOWNLOAD, args, { highWaterMark: 64, sparse: input.sparse })
          .then(async (stream) => {
            let bytes = 0;
            if (input.sparse) for await (const chunk of stream.sparseChunks()) bytes += Buffer.isBuffer(chunk) ? chunk.length : chunk.hole;
            else for await (const data of stream) bytes += data.length;
            return bytes;
          })
          .then(
            (value) => ({ ok: true as const, value }),
            (error: unknown) => ({ ok: false as const, error }),
          ),
      );
    }
    await nextTurn(); // the corked CALL packets reach the socket

    const sent: SentCall[] = referenceFrames(Buffer.concat(socket.written), Number.MAX_SAFE_INTEGER).packets.map((p) => {
      const proc = ALL_PROCEDURES.find((d) => d.proc === p.header.proc)!;
      return { serial: p.header.serial, proc: p.header.proc, ret: proc.ret };
    });

    let bytes: Buffer = Buffer.concat(input.frames.map((f) => frameBytes(f, sent)));
    if (input.mutations !== null) bytes = mutateBytes(bytes, input.mutations, WIRE_PACKETS);
    const chunks = applyChunking(bytes, input.how);
    for (let i = 0; i < chunks.length; i++) {
      const pushed = typed('socket.push → RpcClient', () => socket.push(chunks[i]!));
      ensure(pushed.ok, 'pushing data into the client threw');
      if (i % 16 === 15) await nextTurn();
    }
    await nextTurn();
    const framingBroken = referenceFrames(bytes, Number.MAX_SAFE_INTEGER).invalid;

    switch (input.ending) {
      case 'eof':
        socket.push(null);
        break;
      case 'socket-error':
        socket.destroy(new Error('connection reset by fuzz'));
        break;
      case 'client-destroy':
        client.destroy();
        break;
    }

    let deadline: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      Promise.all(outcomes),
      new Promise<null>((resolve) => {
        deadline = setTimeout(() => resolve(null), 1_000);
      }),
    ]);
    clearTimeout(deadline);
    await nextTurn();
    await nextTurn();

    ensure(settled !== null, 'a call never settled after the connection ended');
    ensure(escaped.length === 0, () => `escaped the client: ${String(escaped[0])}`);
    ensure(eventFailures.length === 0, () => `decodeEvent threw ${String(eventFailures[0])}`);
    const closed = client.closeError;
    ensure(closed !== null, 'the client does not know its connection ended');
    ensure(client.pendingCalls === 0, () => `${client.pendingCalls} calls still pending after close`);
    ensure(socket.destroyed, 'the socket was not destroyed');
    if (framingBroken) {
      ensure(closed.reason === 'protocol', () => `broken framing closed the connection with reason '${closed.reason}', not 'protocol'`);
    }
    if (closed.reason === 'protocol') {
      ensure(closed.cause instanceof ProtocolError, () => `protocol close with cause ${String(closed.cause)}`);
    }
    clientCoverage[`closed:${closed.reason}`] = (clientCoverage[`closed:${closed.reason}`] ?? 0) + 1;
    for (const [i, outcome] of settled.entries()) {
      const what = i < input.calls.length ? 'call' : 'stream';
      const key = `${what}:${outcome.ok ? 'resolved' : ((outcome.error as Error)?.constructor?.name ?? 'unknown')}`;
      clientCoverage[key] = (clientCoverage[key] ?? 0) + 1;
      if (outcome.ok) continue;
      const error = checkThrown('a call', outcome.error, [LibvirtManagerError]);
      if (error instanceof ConnectionClosedError && error.reason === 'protocol') {
        ensure(error.cause instanceof ProtocolError, 'a call rejected for a protocol violation without the ProtocolError as cause');
        ensure(error.cause === closed.cause, 'a call rejected with a different ProtocolError than the one that closed the connection');
      }
    }
    const left = timers() - timersBefore;
    if (left > 0) throw new FuzzFailure(`${left} timer(s) left behind after the connection closed`);
  } finally {
    client.destroy(); // after a failure too, so no timer outlives the input (a no-op otherwise)
  }
}

export const clientTargets: readonly FuzzTarget[] = [
  {
    name: 'client/garbage',
    description:
      'RpcClient with 1–4 calls (and maybe a download being read) in flight fed replies/errors/events/keepalives/stream packets/whole downloads, mutated, garbage, in random chunks, then EOF/reset/destroy → every call settles typed, protocol breaks close with ProtocolError cause, no timers left',
    weight: 30,
    unitRuns: 300,
    property: () => fc.asyncProperty(clientInput, (input) => guardAsync('client/garbage', () => runClient(input))),
  },
];
