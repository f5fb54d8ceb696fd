import { type LibvirtManagerError, ProtocolError } from '../errors/index.js';
import { classifyRemoteError } from './call-errors.js';
import type { RawCall } from './client-types.js';
import { MessageStatus, MessageType, REMOTE_PROGRAM } from './protocol/constants.js';
import type { MessageHeader } from './protocol/header.js';
import { encodePacket } from './protocol/packet.js';
import type { Procedure } from './protocol/procedure.js';
import { remoteProcedureName } from './protocol/procedure-names.js';
import { decodeRemoteError } from './protocol/remote-error.js';
import type { RpcStream } from './stream.js';
import type { RpcCallMessage } from './tracing.js';
import { type Codec, XdrReader } from './xdr/index.js';

/**
 * One call sent whose caller still waits, in the client's table of pending
 * calls. A call given up on (abort, timeout) leaves the table at once; only
 * its descriptor stays behind, in {@link AbandonedCalls}, to check its late reply.
 */
export interface PendingCall {
  /** The call's descriptor (shared, never copied): program, version, procedure and the reply's codec. */
  readonly procedure: Procedure<unknown, unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout | undefined;
  /** Removes the abort listener; only set when the call has a signal. */
  cleanup: (() => void) | undefined;
  stream: RpcStream<unknown> | undefined;
  /** The call's tracing message, only while someone listens on the RPC channel (src/rpc/tracing.ts). */
  trace: RpcCallMessage | undefined;
}

/** Decode a successful reply's payload with the call's result codec; trailing bytes are a protocol error. */
export function decodeReply(procedure: Procedure<unknown, unknown>, payload: Buffer): unknown {
  const reader = new XdrReader(payload);
  const value = procedure.ret.decode(reader);
  // Build the message only when it is needed: this runs for every reply.
  if (reader.remaining !== 0) reader.expectEnd(`${procedure.name} reply`);
  return value;
}

// Shared by every raw call, so what an abandoned raw call leaves behind is small.
const RAW_ARGS: Codec<Uint8Array> = { encode: (w, v) => w.append(v), decode: (r) => r.rest(), minSize: 0 };
const RAW_RET: Codec<Buffer> = { encode: (w, v) => w.append(v), decode: (r) => Buffer.from(r.rest()), minSize: 0 };

/** A descriptor for a raw call: the payload goes out as given and the reply comes back as bytes. */
export function rawProcedure(call: RawCall): Procedure<Uint8Array, Buffer> {
  return {
    program: call.program,
    version: call.version,
    proc: call.proc,
    name: call.program === REMOTE_PROGRAM ? remoteProcedureName(call.proc) : `PROC_${call.proc}`,
    args: RAW_ARGS,
    ret: RAW_RET,
    priority: 'low',
  };
}

/**
 * The CALL packet of `procedure` with `args` under `serial`.
 * @throws {@link InvalidArgumentError} when `args` do not fit the procedure's codec (nothing is sent)
 */
export function callPacket<A>(procedure: Procedure<A, unknown>, args: A, serial: number): Buffer {
  return encodePacket(
    {
      prog: procedure.program,
      vers: procedure.version,
      proc: procedure.proc,
      type: MessageType.VIR_NET_CALL,
      serial,
      status: MessageStatus.VIR_NET_OK,
    },
    procedure.args,
    args,
    procedure.name,
  );
}

/**
 * Refuse a reply that answers no call in flight, or whose header does not
 * match the call it answers — another program, another program *version*
 * (libvirt's client matches replies on program, version and serial and
 * closes the connection when none matches: `virNetClientCallDispatchReply`),
 * another procedure — or that is not final (CONTINUE): the daemon broke the
 * protocol, so the connection goes. Used for live and abandoned calls alike.
 * @throws {@link ProtocolError}
 */
export function checkReply(
  procedure: Procedure<unknown, unknown> | undefined,
  header: MessageHeader,
): asserts procedure is Procedure<unknown, unknown> {
  if (procedure === undefined) {
    throw new ProtocolError(`reply for unknown serial ${header.serial} (proc ${header.proc})`);
  }
  if (procedure.program !== header.prog || procedure.proc !== header.proc) {
    throw new ProtocolError(
      `reply for serial ${header.serial} names proc ${header.proc} of program 0x${header.prog.toString(16)}, expected ${procedure.name}`,
    );
  }
  if (procedure.version !== header.vers) {
    throw new ProtocolError(
      `reply for serial ${header.serial} (${procedure.name}) carries protocol version ${header.vers}, expected ${procedure.version}`,
    );
  }
  if (header.status === MessageStatus.VIR_NET_CONTINUE) throw new ProtocolError(`reply with status CONTINUE for ${procedure.name}`);
}

/**
 * Settle a call from its (checked) reply: OK resolves with the decoded value;
 * ERROR rejects with libvirt's error as its typed class. A payload that does
 * not decode fails only this call (the framing is intact). A stream the call
 * opened fails with the call.
 */
export function settleReply(pending: PendingCall, status: number, payload: Buffer): void {
  const { procedure } = pending;
  if (pending.trace !== undefined) pending.trace.bytesIn = payload.length;
  let error: LibvirtManagerError;
  if (status === MessageStatus.VIR_NET_OK) {
    try {
      pending.resolve(decodeReply(procedure, payload));
      return;
    } catch (decodeError) {
      error = decodeError as LibvirtManagerError;
    }
  } else {
    try {
      error = classifyRemoteError(decodeRemoteError(payload, { program: procedure.program, proc: procedure.proc, name: procedure.name }));
    } catch (decodeError) {
      error = decodeError as LibvirtManagerError;
    }
  }
  pending.stream?.fail(error);
  pending.reject(error);
}
