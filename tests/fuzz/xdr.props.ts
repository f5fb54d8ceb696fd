/**
 * Fuzz properties of the XDR layer: every codec of every procedure descriptor
 * (arguments and result), every event message, `remote_error`, and the
 * {@link XdrReader} primitives.
 *
 * Values come from {@link generate} (the codec decoding random choices), so
 * every descriptor gets well-typed values — nested structs, optional fields,
 * arrays, typed-parameter unions, multi-byte UTF-8 — without a hand-written
 * arbitrary per type.
 *
 * @module
 */
import fc from 'fast-check';
import { ProtocolError } from '../../src/errors/index.js';
import { ALL_PROCEDURES, EVENT_BY_PROC, decodeEvent, decodeRemoteError, remoteError } from '../../src/rpc/protocol/index.js';
import { type Codec, XdrReader, XdrWriter } from '../../src/rpc/xdr/index.js';
import { choices, generate } from './choice-reader.js';
import { WIRE_PACKETS } from './fixtures.js';
import { type FuzzTarget, ensure, ensureEqual, guard, preview, retainedSize, typed } from './harness.js';
import { INTERESTING_WORDS, byteMutations, mutateBytes } from './mutate.js';

/** A codec under test, and the public entry point that decodes it (when there is one besides `decode`). */
interface CodecCase {
  name: string;
  codec: Codec<unknown>;
  entry?: (payload: Buffer) => unknown;
}

/** Every codec the SDK decodes from the daemon or encodes to it. */
export const CODEC_CASES: readonly CodecCase[] = [
  ...ALL_PROCEDURES.flatMap((p): CodecCase[] => [
    { name: `${p.name} args`, codec: p.args },
    { name: `${p.name} ret`, codec: p.ret },
  ]),
  ...[...EVENT_BY_PROC.values()].map((route): CodecCase => ({
    name: route.descriptor.name,
    codec: route.descriptor.msg as Codec<unknown>,
    entry: (payload) => decodeEvent(route.descriptor.proc, payload),
  })),
  { name: 'remote_error', codec: remoteError as Codec<unknown>, entry: (payload) => decodeRemoteError(payload) },
];

/**
 * Decoded values may not keep more than this many bytes per payload byte
 * (plus a constant): the reader checks every count against the bytes left, so
 * a value can only be as big as the packet that carried it. The worst honest
 * ratio is an array of 4-byte structs (an object per 4 bytes).
 */
const MAX_BYTES_PER_PAYLOAD_BYTE = 32;

function encode(codec: Codec<unknown>, value: unknown): Buffer {
  const w = new XdrWriter(64);
  codec.encode(w, value, 'value');
  return Buffer.from(w.bytes());
}

function decodeWhole(c: CodecCase, bytes: Buffer): unknown {
  const r = new XdrReader(bytes);
  const value = c.codec.decode(r);
  r.expectEnd(c.name);
  return value;
}

/** Decode hostile bytes through every entry point: only ProtocolError, and bounded results. */
function decodeHostile(c: CodecCase, bytes: Buffer): void {
  const checkSize = (value: unknown, what: string): void => {
    const size = retainedSize(value);
    ensure(
      size <= MAX_BYTES_PER_PAYLOAD_BYTE * bytes.length + 4096,
      () => `${what}: ${bytes.length} payload bytes decoded to a value of ~${size} bytes`,
    );
  };
  const direct = typed(`${c.name} decode`, () => decodeWhole(c, bytes), [ProtocolError]);
  if (direct.ok) checkSize(direct.value, c.name);
  if (c.entry !== undefined) {
    const viaEntry = typed(`${c.name} entry point`, () => c.entry!(bytes), [ProtocolError]);
    if (viaEntry.ok) checkSize(viaEntry.value, `${c.name} entry point`);
  }
}

/** `true` when some string in `value` holds U+FFFD. */
function hasReplacementChar(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\uFFFD');
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return false;
  return Object.values(value).some(hasReplacementChar);
}

/**
 * A random value of a codec. Skipped: choices that pick a union arm that does
 * not exist, and values holding U+FFFD — a fixed `char[n]` field (e.g.
 * NODE_GET_INFO `model`) fed random bytes decodes invalid UTF-8 to U+FFFD,
 * whose 3-byte encoding may no longer fit `n`: lossy by design (the daemon
 * sends ASCII there), not a value a caller could have sent.
 */
function valueOf(c: CodecCase, list: readonly number[]): unknown {
  let value: unknown;
  try {
    value = generate(c.codec, list);
  } catch (error) {
    if (error instanceof ProtocolError) fc.pre(false);
    throw error;
  }
  fc.pre(!hasReplacementChar(value));
  return value;
}

const codecIndex = fc.nat({ max: CODEC_CASES.length - 1 });

/** Random bytes, or random 32-bit words biased to edge values (counts, lengths, discriminants). */
const hostileBytes = fc.oneof(
  fc.uint8Array({ maxLength: 256 }),
  fc
    .array(fc.oneof(fc.constantFrom(...INTERESTING_WORDS), fc.nat({ max: 8 }), fc.nat({ max: 0xffffffff })), { maxLength: 48 })
    .map((words) => {
      const b = Buffer.alloc(words.length * 4);
      words.forEach((w, i) => b.writeUInt32BE(w >>> 0, i * 4));
      return b;
    }),
);

/** One call on an {@link XdrReader}, with arguments as a caller could pass them. */
type ReaderOp =
  | { op: 'int' | 'uint' | 'hyper' | 'uhyper' | 'double' | 'bool' | 'rest' }
  | { op: 'string' | 'opaque'; max: number }
  | { op: 'fixedOpaque'; length: number }
  | { op: 'count'; max: number; minSize: number }
  | { op: 'expectEnd' };

const readerOp: fc.Arbitrary<ReaderOp> = fc.oneof(
  fc.record({
    op: fc.constantFrom(
      'int' as const,
      'uint' as const,
      'hyper' as const,
      'uhyper' as const,
      'double' as const,
      'bool' as const,
      'rest' as const,
    ),
  }),
  fc.record({ op: fc.constantFrom('string' as const, 'opaque' as const), max: fc.oneof(fc.nat({ max: 64 }), fc.nat({ max: 0xffffffff })) }),
  fc.record({ op: fc.constant('fixedOpaque' as const), length: fc.nat({ max: 300 }) }),
  fc.record({
    op: fc.constant('count' as const),
    max: fc.oneof(fc.nat({ max: 64 }), fc.nat({ max: 0xffffffff })),
    minSize: fc.nat({ max: 64 }),
  }),
  fc.record({ op: fc.constant('expectEnd' as const) }),
);

function applyOp(r: XdrReader, o: ReaderOp): unknown {
  switch (o.op) {
    case 'string':
    case 'opaque':
      return r[o.op](o.max);
    case 'fixedOpaque':
      return r.fixedOpaque(o.length);
    case 'count':
      return r.count(o.max, o.minSize);
    case 'expectEnd':
      return r.expectEnd('fuzz');
    default:
      return r[o.op]();
  }
}

/**
 * What the reader promises callers, before they allocate: a count fits both
 * the maximum and the bytes left (so `new Array(count)` is bounded by the
 * packet, not just by the protocol maximum); lengths respect their maximum.
 */
function checkReaderResult(o: ReaderOp, value: unknown, remaining: number): void {
  switch (o.op) {
    case 'count': {
      const n = value as number;
      ensure(n <= o.max, () => `count ${n} above its maximum ${o.max}`);
      ensure(o.minSize === 0 || n * o.minSize <= remaining, () => `count ${n} × ${o.minSize} bytes cannot fit the ${remaining} bytes left`);
      break;
    }
    case 'string':
      // Each wire byte decodes to at most one UTF-16 unit (invalid bytes become one U+FFFD each).
      ensure((value as string).length <= o.max, () => `string of ${(value as string).length} units above its maximum ${o.max} bytes`);
      break;
    case 'opaque':
      ensure((value as Buffer).length <= o.max, () => `opaque of ${(value as Buffer).length} bytes above its maximum ${o.max}`);
      break;
    default:
      break;
  }
}

export const xdrTargets: readonly FuzzTarget[] = [
  {
    name: 'xdr/roundtrip',
    description: `every descriptor codec (${CODEC_CASES.length}: args, ret, events, remote_error): generated value → encode → decode equals, re-encode is byte-identical, size ≥ minSize`,
    weight: 150,
    unitRuns: 3000,
    property: () =>
      fc.property(codecIndex, choices, (index, list) => {
        const c = CODEC_CASES[index]!;
        const value = valueOf(c, list);
        guard('xdr/roundtrip', () => {
          const encoded = typed(`${c.name} encode of a decoded value`, () => encode(c.codec, value));
          ensure(encoded.ok, () => `${c.name}: a value the decoder produces cannot be encoded: ${encoded.ok ? '' : encoded.error.message}`);
          const bytes = encoded.value;
          ensure(bytes.length >= c.codec.minSize, () => `${c.name}: ${bytes.length} bytes < minSize ${c.codec.minSize}`);
          ensure(bytes.length % 4 === 0, () => `${c.name}: ${bytes.length} bytes is not a multiple of 4`);
          const decoded = typed(`${c.name} decode`, () => decodeWhole(c, bytes));
          ensure(decoded.ok, () => `${c.name}: our own encoding does not decode: ${decoded.ok ? '' : decoded.error.message}`);
          ensureEqual(decoded.value, value, `${c.name} round trip`);
          ensure(encode(c.codec, decoded.value).equals(bytes), `${c.name}: re-encoding differs`);
          if (c.entry !== undefined) {
            const viaEntry = typed(`${c.name} entry point`, () => c.entry!(bytes));
            ensure(viaEntry.ok, () => `${c.name}: entry point refused a valid payload: ${viaEntry.ok ? '' : viaEntry.error.message}`);
          }
        });
      }),
  },
  {
    name: 'xdr/mutated',
    description:
      'valid encodings of every codec with bit flips, huge counts/lengths, truncation, splices → ProtocolError or a value no bigger than the payload allows',
    weight: 150,
    unitRuns: 3000,
    property: () =>
      fc.property(codecIndex, choices, byteMutations, (index, list, mutations) => {
        const c = CODEC_CASES[index]!;
        const value = valueOf(c, list);
        guard('xdr/mutated', () => {
          const bytes = mutateBytes(encode(c.codec, value), mutations, WIRE_PACKETS);
          decodeHostile(c, bytes);
        });
      }),
  },
  {
    name: 'xdr/random',
    description: 'random bytes and random edge-biased words decoded by every codec and entry point → ProtocolError or a bounded value',
    weight: 100,
    unitRuns: 1500,
    property: () =>
      fc.property(codecIndex, hostileBytes, (index, bytes) =>
        guard('xdr/random', () => decodeHostile(CODEC_CASES[index]!, Buffer.from(bytes))),
      ),
  },
  {
    name: 'xdr/reader',
    description:
      'XdrReader primitives in random order with random maxima over random bytes → values or ProtocolError; never reads past the end',
    weight: 50,
    unitRuns: 1000,
    property: () =>
      fc.property(hostileBytes, fc.array(readerOp, { maxLength: 12 }), (bytes, ops) =>
        guard('xdr/reader', () => {
          const buf = Buffer.from(bytes);
          const r = new XdrReader(buf);
          for (const o of ops) {
            const before = r.offset;
            const out = typed(`XdrReader.${o.op}`, () => applyOp(r, o), [ProtocolError]);
            ensure(
              r.offset >= before && r.offset <= buf.length,
              () => `offset ${r.offset} outside ${before}..${buf.length} after ${preview(o)}`,
            );
            ensure(r.remaining === buf.length - r.offset, 'remaining out of step with offset');
            if (out.ok) checkReaderResult(o, out.value, r.remaining);
          }
        }),
      ),
  },
];
