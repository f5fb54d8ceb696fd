import type { RawCall } from './client-types.js';
import { MessageStatus, MessageType, REMOTE_PROGRAM } from './protocol/constants.js';
import { encodePacket } from './protocol/packet.js';
import type { Procedure } from './protocol/procedure.js';
import { remoteProcedureName } from './protocol/procedure-names.js';
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
