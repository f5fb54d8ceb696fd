import { InvalidArgumentError } from '../../errors/index.js';
import type { Codec } from '../xdr/index.js';
import { XdrWriter } from '../xdr/index.js';
import { OUTBOUND_MESSAGE_MAX, VIR_NET_MESSAGE_LEN_MAX, VIR_NET_MESSAGE_MIN } from './constants.js';
import { type MessageHeader, writeHeader } from './header.js';

/**
 * Encode one complete packet: length word, header, and `body` encoded with
 * `codec`. Validation errors in `body` surface as `InvalidArgumentError`
 * before anything is written to a socket.
 *
 * @param maxMessage outbound cap on header+payload; defaults to the 16 MiB
 *   every daemon accepts.
 */
export function encodePacket<T>(header: MessageHeader, codec: Codec<T>, body: T, path: string, maxMessage = OUTBOUND_MESSAGE_MAX): Buffer {
  const w = new XdrWriter(256);
  w.skip(VIR_NET_MESSAGE_MIN);
  codec.encode(w, body, path);
  return finish(w, header, path, maxMessage);
}

/** Encode a packet whose payload is raw bytes (stream data, pre-encoded calls). */
export function encodeRawPacket(header: MessageHeader, payload: Uint8Array, path = 'payload', maxMessage = OUTBOUND_MESSAGE_MAX): Buffer {
  const out = Buffer.allocUnsafe(VIR_NET_MESSAGE_MIN + payload.length);
  if (out.length - VIR_NET_MESSAGE_LEN_MAX > maxMessage) {
    throw new InvalidArgumentError(`${path}: message of ${out.length} bytes exceeds the maximum of ${maxMessage}`, { path });
  }
  out.writeUInt32BE(out.length, 0);
  writeHeader(out, header);
  out.set(payload, VIR_NET_MESSAGE_MIN);
  return out;
}

function finish(w: XdrWriter, header: MessageHeader, path: string, maxMessage: number): Buffer {
  const bytes = w.bytes();
  if (bytes.length - VIR_NET_MESSAGE_LEN_MAX > maxMessage) {
    throw new InvalidArgumentError(`${path}: message of ${bytes.length} bytes exceeds the maximum of ${maxMessage} the daemon accepts`, {
      path,
    });
  }
  bytes.writeUInt32BE(bytes.length, 0);
  writeHeader(bytes, header);
  return bytes;
}
