import { ProtocolError } from '../../errors/index.js';
import { MessageStatus, MessageType, VIR_NET_MESSAGE_LEN_MAX } from './constants.js';

/** `struct virNetMessageHeader`: the six 4-byte fields after the length word. */
export interface MessageHeader {
  /** Program number, e.g. `REMOTE_PROGRAM`. */
  prog: number;
  /** Program version (1 for every program today). */
  vers: number;
  /** Procedure number within the program. */
  proc: number;
  /** `virNetMessageType`. */
  type: MessageType;
  /** Call serial echoed by replies and stream packets. */
  serial: number;
  /** `virNetMessageStatus`. */
  status: MessageStatus;
}

const MAX_TYPE = MessageType.VIR_NET_STREAM_HOLE;
const MAX_STATUS = MessageStatus.VIR_NET_CONTINUE;

/**
 * Decode and validate the header that follows the length word at `offset`.
 * An unknown type or status is a {@link ProtocolError}: we never guess.
 */
export function decodeHeader(packet: Buffer, offset = VIR_NET_MESSAGE_LEN_MAX): MessageHeader {
  const prog = packet.readUInt32BE(offset);
  const vers = packet.readUInt32BE(offset + 4);
  const proc = packet.readInt32BE(offset + 8);
  const type = packet.readInt32BE(offset + 12);
  const serial = packet.readUInt32BE(offset + 16);
  const status = packet.readInt32BE(offset + 20);
  if (type < 0 || type > MAX_TYPE) {
    throw new ProtocolError(`invalid message type ${type} (prog 0x${prog.toString(16)}, proc ${proc})`);
  }
  if (status < 0 || status > MAX_STATUS) {
    throw new ProtocolError(`invalid message status ${status} (prog 0x${prog.toString(16)}, proc ${proc})`);
  }
  return { prog, vers, proc, type: type as MessageType, serial, status: status as MessageStatus };
}

/** Write a header at `offset` of a pre-sized buffer. */
export function writeHeader(target: Buffer, header: MessageHeader, offset = VIR_NET_MESSAGE_LEN_MAX): void {
  target.writeUInt32BE(header.prog, offset);
  target.writeUInt32BE(header.vers, offset + 4);
  target.writeInt32BE(header.proc, offset + 8);
  target.writeInt32BE(header.type, offset + 12);
  target.writeUInt32BE(header.serial, offset + 16);
  target.writeInt32BE(header.status, offset + 20);
}
