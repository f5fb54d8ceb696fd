/**
 * Fuzz properties of {@link PacketFramer}: any chunking of a valid stream
 * yields the same packets; a corrupted or random stream yields exactly the
 * packets a reference reading of the protocol yields, then (if the stream is
 * bad) a `ProtocolError` — never a skipped packet, never another error type —
 * and the framer refuses further input.
 *
 * @module
 */
import fc from 'fast-check';
import { ProtocolError } from '../../src/errors/index.js';
import { PacketFramer, type Packet } from '../../src/rpc/framer.js';
import {
  KEEPALIVE_PROGRAM,
  type MessageHeader,
  REMOTE_PROGRAM,
  VIR_NET_MESSAGE_MAX,
  VIR_NET_MESSAGE_MIN,
  writeHeader,
} from '../../src/rpc/protocol/index.js';
import { WIRE_PACKETS } from './fixtures.js';
import { type FuzzTarget, ensure, ensureEqual, guard, preview, typed } from './harness.js';
import { type Chunking, applyChunking, byteMutations, chunking, mutateBytes } from './mutate.js';

/** A valid header: any numbers, with a type and status libvirt defines. */
export const validHeader: fc.Arbitrary<MessageHeader> = fc.record({
  prog: fc.oneof(fc.constantFrom(REMOTE_PROGRAM, KEEPALIVE_PROGRAM), fc.nat({ max: 0xffffffff })),
  vers: fc.oneof(fc.constant(1), fc.nat({ max: 0xffffffff })),
  proc: fc.integer({ min: -0x80000000, max: 0x7fffffff }),
  type: fc.integer({ min: 0, max: 6 }) as fc.Arbitrary<MessageHeader['type']>,
  serial: fc.nat({ max: 0xffffffff }),
  status: fc.integer({ min: 0, max: 2 }) as fc.Arbitrary<MessageHeader['status']>,
});

/** Build one packet from a header and payload. */
export function packet(header: MessageHeader, payload: Uint8Array): Buffer {
  const out = Buffer.alloc(VIR_NET_MESSAGE_MIN + payload.length);
  out.writeUInt32BE(out.length, 0);
  writeHeader(out, header);
  out.set(payload, VIR_NET_MESSAGE_MIN);
  return out;
}

/** A valid packet: a captured one, or a random header with a random payload (sometimes spanning many chunks). */
export const validPacket: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...WIRE_PACKETS) },
  { weight: 3, arbitrary: fc.tuple(validHeader, fc.uint8Array({ maxLength: 96 })).map(([h, p]) => packet(h, p)) },
  {
    weight: 1,
    arbitrary: fc.tuple(validHeader, fc.integer({ min: 0, max: 70_000 })).map(([h, n]) => packet(h, Buffer.alloc(n, n & 0xff))),
  },
);

/** A valid stream: 0–8 packets back to back. */
export const validStream = fc.array(validPacket, { maxLength: 8 });

/** What a reading of the protocol says a byte stream contains. */
interface Reference {
  packets: { header: MessageHeader; payload: Buffer }[];
  /** The stream is invalid at `packets.length`. */
  invalid: boolean;
  /** Bytes of an incomplete last packet, when valid. */
  leftover: number;
}

/**
 * The protocol, read independently of the framer: `u32 length` (28 ≤ length,
 * length − 4 ≤ maxMessage, checked as soon as the 4 bytes are there), six
 * header words (type 0–6 and status 0–2, checked when the packet is
 * complete), payload.
 */
export function referenceFrames(bytes: Buffer, maxMessage: number): Reference {
  const packets: Reference['packets'] = [];
  let off = 0;
  for (;;) {
    if (bytes.length - off < 4) return { packets, invalid: false, leftover: bytes.length - off };
    const length = bytes.readUInt32BE(off);
    if (length < 28 || length - 4 > maxMessage) return { packets, invalid: true, leftover: 0 };
    if (bytes.length - off < length) return { packets, invalid: false, leftover: bytes.length - off };
    const type = bytes.readInt32BE(off + 16);
    const status = bytes.readInt32BE(off + 24);
    if (type < 0 || type > 6 || status < 0 || status > 2) return { packets, invalid: true, leftover: 0 };
    packets.push({
      header: {
        prog: bytes.readUInt32BE(off + 4),
        vers: bytes.readUInt32BE(off + 8),
        proc: bytes.readInt32BE(off + 12),
        type: type as MessageHeader['type'],
        serial: bytes.readUInt32BE(off + 20),
        status: status as MessageHeader['status'],
      },
      payload: bytes.subarray(off + 28, off + length),
    });
    off += length;
  }
}

interface FramerRun {
  packets: Packet[];
  error: ProtocolError | null;
}

/** Feed `chunks` to a fresh framer; only `ProtocolError` may escape, and only once. */
function feed(chunks: readonly Buffer[], maxMessage: number): FramerRun {
  const framer = new PacketFramer({ maxMessage });
  const packets: Packet[] = [];
  // Packets hold views into the chunks: copy the payload as each one arrives.
  const collect = (p: Packet): void => {
    packets.push({ header: p.header, payload: Buffer.from(p.payload) });
  };
  for (let i = 0; i < chunks.length; i++) {
    const outcome = typed('PacketFramer.push', () => framer.push(chunks[i]!, collect), [ProtocolError]);
    if (!outcome.ok) {
      // Fails closed: every later push throws again and emits nothing.
      const count = packets.length;
      const again = typed('PacketFramer.push after failure', () => framer.push(Buffer.alloc(64), collect), [ProtocolError]);
      ensure(!again.ok && again.error === outcome.error, 'the framer accepted input after a ProtocolError');
      ensure(packets.length === count, 'the framer emitted a packet after a ProtocolError');
      return { packets, error: outcome.error as ProtocolError };
    }
    const limit = Math.max(4, maxMessage + 4);
    ensure(framer.bufferedBytes < limit, () => `framer holds ${framer.bufferedBytes} bytes, more than one packet (${limit})`);
  }
  return { packets, error: null };
}

/** The framer's reading must equal the reference reading, whatever the chunking. */
function checkAgainstReference(bytes: Buffer, how: Chunking, maxMessage: number): void {
  const expected = referenceFrames(bytes, maxMessage);
  const run = feed(applyChunking(bytes, how), maxMessage);
  ensure(
    run.packets.length === expected.packets.length,
    () => `framer yielded ${run.packets.length} packets, the protocol says ${expected.packets.length} (invalid: ${expected.invalid})`,
  );
  for (let i = 0; i < run.packets.length; i++) {
    ensureEqual(run.packets[i]!.header, expected.packets[i]!.header, `packet ${i} header`);
    ensure(run.packets[i]!.payload.equals(expected.packets[i]!.payload), `packet ${i} payload differs`);
  }
  ensure((run.error !== null) === expected.invalid, () =>
    expected.invalid ? 'an invalid stream did not raise a ProtocolError' : `a valid stream raised ${preview(run.error?.message)}`,
  );
}

/** A valid stream, however cut, yields its packets: same headers, same payloads, nothing left over. */
function checkChunking(packets: readonly Buffer[], stream: Buffer, how: Chunking): void {
  const run = feed(applyChunking(stream, how), VIR_NET_MESSAGE_MAX);
  ensure(run.error === null, () => `valid stream raised ${run.error?.message ?? ''}`);
  ensure(run.packets.length === packets.length, `expected ${packets.length} packets, got ${run.packets.length}`);
  for (let i = 0; i < packets.length; i++) {
    const p = run.packets[i]!;
    const whole = Buffer.concat([Buffer.alloc(VIR_NET_MESSAGE_MIN), p.payload]);
    whole.writeUInt32BE(whole.length, 0);
    writeHeader(whole, p.header);
    ensure(whole.equals(packets[i]!), `packet ${i} does not re-encode to the bytes sent`);
  }
}

/** maxMessage: the default, or small enough that valid-looking packets exceed it. */
const maxMessage = fc.oneof(
  { weight: 4, arbitrary: fc.constant(VIR_NET_MESSAGE_MAX) },
  { weight: 1, arbitrary: fc.integer({ min: 24, max: 4096 }) },
);

export const framerTargets: readonly FuzzTarget[] = [
  {
    name: 'framer/chunking',
    description:
      'valid streams (captured + random packets) cut whole, byte by byte or at random offsets → the same packets, nothing buffered',
    weight: 150,
    unitRuns: 600,
    property: () =>
      fc.property(validStream, chunking, (packets, how) => {
        const stream = Buffer.concat(packets);
        guard('framer/chunking', () => checkChunking(packets, stream, how), stream.length);
      }),
  },
  {
    name: 'framer/mutated',
    description:
      'valid streams with flipped bits, changed length words, huge counts, truncation, splices, duplicates → reference packets, then ProtocolError iff invalid',
    weight: 150,
    unitRuns: 800,
    property: () =>
      fc.property(validStream, byteMutations, chunking, maxMessage, (packets, mutations, how, max) => {
        const bytes = mutateBytes(Buffer.concat(packets), mutations, WIRE_PACKETS);
        guard('framer/mutated', () => checkAgainstReference(bytes, how, max), bytes.length);
      }),
  },
  {
    name: 'framer/random',
    description: 'random bytes (optionally after a valid prefix) in random chunks → reference packets, then ProtocolError iff invalid',
    weight: 50,
    unitRuns: 400,
    property: () =>
      fc.property(
        fc.array(validPacket, { maxLength: 2 }),
        fc.uint8Array({ maxLength: 512 }),
        chunking,
        maxMessage,
        (prefix, noise, how, max) => {
          const bytes = Buffer.concat([...prefix, noise]);
          guard('framer/random', () => checkAgainstReference(bytes, how, max), bytes.length);
        },
      ),
  },
];
