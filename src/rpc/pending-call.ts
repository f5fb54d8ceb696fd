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
import { type Codec, XdrReader } from './xdr/index.js';

/** One call sent and not yet answered, in the client's table of pending calls. */
export interface PendingCall {
  readonly program: number;
  readonly proc: number;
  readonly name: string;
  /** Codec of the reply; decoded in {@link decodeReply} (no per-call closure on the hot path). */
  readonly ret: Codec<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** Settled by abort/timeout: the reply is still expected and will be dropped. */
  abandoned: boolean;
  timer: NodeJS.Timeout | undefined;
  /** Removes the abort listener; only set when the call has a signal. */
  cleanup: (() => void) | undefined;
  stream: RpcStream<unknown> | undefined;
}

/** Decode a successful reply's payload with the call's result codec; trailing bytes are a protocol error. */
export function decodeReply(pending: PendingCall, payload: Buffer): unknown {
  const reader = new XdrReader(payload);
  const value = pending.ret.decode(reader);
  // Build the message only when it is needed: this runs for every reply.
  if (reader.remaining !== 0) reader.expectEnd(`${pending.name} reply`);
  return value;
}

/** A descriptor for a raw call: the payload goes out as given and the reply comes back as bytes. */
export function rawProcedure(call: RawCall): Procedure<Uint8Array, Buffer> {
  return {
    program: call.program,
    version: call.version,
    proc: call.proc,
    name: call.program === REMOTE_PROGRAM ? remoteProcedureName(call.proc) : `PROC_${call.proc}`,
    args: { encode: (w, v) => w.append(v), decode: (r) => r.rest(), minSize: 0 },
    ret: { encode: (w, v) => w.append(v), decode: (r) => Buffer.from(r.rest()), minSize: 0 },
    priority: 'low',
  };
}

/**
 * The CALL packet of `procedure` with `args` under `serial`.
 * @throws {@link InvalidArgumentError} when `args` do not fit the procedure's codec (nothing is sent)
 */
export function callPacket<A>(procedure: Procedure<A, unknown>, args: A, serial: number): Buffer {
  return encodePacket(
    { prog: procedure.program, vers: procedure.version, proc: procedure.proc, type: MessageType.VIR_NET_CALL, serial, status: MessageStatus.VIR_NET_OK },
    procedure.args,
    args,
    procedure.name,
  );
}

/**
 * Refuse a reply that answers no call in flight, names another procedure than
 * the call it answers, or is not final (CONTINUE): the daemon broke the
 * protocol, so the connection goes.
 * @throws {@link ProtocolError}
 */
export function checkReply(pending: PendingCall | undefined, header: MessageHeader): asserts pending is PendingCall {
  if (pending === undefined) {
    throw new ProtocolError(`reply for unknown serial ${header.serial} (proc ${header.proc})`);
  }
  if (pending.program !== header.prog || pending.proc !== header.proc) {
    throw new ProtocolError(`reply for serial ${header.serial} names proc ${header.proc} of program 0x${header.prog.toString(16)}, expected ${pending.name}`);
  }
  if (header.status === MessageStatus.VIR_NET_CONTINUE) throw new ProtocolError(`reply with status CONTINUE for ${pending.name}`);
}

/**
 * Settle a call from its (checked) reply: OK resolves with the decoded value;
 * ERROR rejects with libvirt's error as its typed class. A payload that does
 * not decode fails only this call (the framing is intact). A stream the call
 * opened fails with the call.
 */
export function settleReply(pending: PendingCall, status: number, payload: Buffer): void {
  let error: LibvirtManagerError;
  if (status === MessageStatus.VIR_NET_OK) {
    try {
      pending.resolve(decodeReply(pending, payload));
      return;
    } catch (decodeError) {
      error = decodeError as LibvirtManagerError;
    }
  } else {
    try {
      error = classifyRemoteError(decodeRemoteError(payload, { program: pending.program, proc: pending.proc, name: pending.name }));
    } catch (decodeError) {
      error = decodeError as LibvirtManagerError;
    }
  }
  pending.stream?.fail(error);
  pending.reject(error);
}
