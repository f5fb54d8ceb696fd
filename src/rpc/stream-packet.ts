import { MessageType, OUTBOUND_MESSAGE_MAX, type MessageStatus } from './protocol/constants.js';
import { encodeRawPacket } from './protocol/packet.js';
import type { StreamPacketType } from './stream-options.js';

/** A STREAM (or STREAM_HOLE) packet of `stream` (its call's program, version, procedure and serial) with raw `payload`. */
export function streamPacket(
  stream: { readonly program: number; readonly version: number; readonly proc: number; readonly serial: number },
  status: MessageStatus,
  payload: Buffer,
  type: StreamPacketType = MessageType.VIR_NET_STREAM,
): Buffer {
  return encodeRawPacket(
    { prog: stream.program, vers: stream.version, proc: stream.proc, type, serial: stream.serial, status },
    payload,
    'stream data',
    OUTBOUND_MESSAGE_MAX,
  );
}
