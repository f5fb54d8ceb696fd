import { InvalidArgumentError, ProtocolError } from '../errors/index.js';
import { type Codec, XdrReader, XdrWriter, hyper, struct, uint } from './xdr/index.js';

/**
 * A hole in a sparse stream: `hole` bytes that read as zeros and are not
 * sent (libvirt's `virStreamRecvHole` / `virStreamSendHole`).
 */
export interface StreamHole {
  /** Length of the hole in bytes (a positive safe integer). */
  hole: number;
}

/** A chunk of a sparse stream: data bytes, or a hole. */
export type SparseChunk = Buffer | StreamHole;

/** `struct virNetStreamHole { hyper length; unsigned int flags; }` (virnetprotocol.x): the payload of a STREAM_HOLE packet. */
const virNetStreamHole: Codec<{ length: bigint; flags: number }> = struct({ length: hyper, flags: uint });

/** Size of a STREAM_HOLE payload: hyper + unsigned int. */
const HOLE_PAYLOAD_SIZE = 12;

/**
 * The largest hole handed to a reader in one piece. A wire hole is a signed
 * 64-bit length; a longer one is delivered as several consecutive holes so
 * each stays a safe `number` (2^52 bytes = 4 PiB, far beyond any volume here).
 */
const MAX_HOLE_PIECE = 2n ** 52n;

/**
 * Decode a STREAM_HOLE payload into holes of at most 2^52 bytes each.
 * @throws {@link ProtocolError} for a payload that is not exactly 12 bytes, a
 *   length that is not positive, or flags other than 0 — libvirt's own client
 *   refuses the same (`virNetClientStreamSetHole` checks flags 0 and a positive length).
 */
export function decodeStreamHole(payload: Buffer): StreamHole[] {
  if (payload.length !== HOLE_PAYLOAD_SIZE)
    throw new ProtocolError(`malformed stream hole: ${payload.length} bytes of payload, expected ${HOLE_PAYLOAD_SIZE}`);
  const { length, flags } = virNetStreamHole.decode(new XdrReader(payload));
  if (flags !== 0) throw new ProtocolError(`malformed stream hole: flags ${flags}, expected 0`);
  if (length <= 0n) throw new ProtocolError(`malformed stream hole: length ${length}, expected a positive length`);
  const holes: StreamHole[] = [];
  for (let left = length; left > 0n; left -= MAX_HOLE_PIECE) {
    holes.push({ hole: Number(left < MAX_HOLE_PIECE ? left : MAX_HOLE_PIECE) });
  }
  return holes;
}

/**
 * Encode a hole of `length` bytes as a STREAM_HOLE payload.
 * @throws {@link InvalidArgumentError} unless `length` is a positive safe integer
 */
export function encodeStreamHole(length: number, path = 'length'): Buffer {
  if (!Number.isSafeInteger(length) || length <= 0)
    throw new InvalidArgumentError(`${path} must be a positive safe integer, got ${String(length)}`, { path });
  const w = new XdrWriter(HOLE_PAYLOAD_SIZE);
  virNetStreamHole.encode(w, { length: BigInt(length), flags: 0 }, path);
  return w.bytes();
}

/** `true` for a {@link StreamHole} chunk (as opposed to data bytes). */
export function isStreamHole(chunk: unknown): chunk is StreamHole {
  return typeof chunk === 'object' && chunk !== null && !(chunk instanceof Uint8Array) && typeof (chunk as StreamHole).hole === 'number';
}
