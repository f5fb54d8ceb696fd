/**
 * Mutation operators for bytes (wire packets) and text (XML), as fast-check
 * arbitraries so that failures shrink to few, small mutations and replay from
 * a seed. Positions are drawn as plain integers and taken modulo the input
 * length when applied, so one mutation list fits any input.
 *
 * @module
 */
import fc from 'fast-check';

/**
 * 32-bit words that hit edges of a length or count check: 0, the 28-byte
 * packet minimum and its neighbours, powers of two, libvirt's limits
 * (REMOTE_STRING_MAX 4 MiB, VIR_NET_MESSAGE_MAX 32 MiB) ±, and sign edges.
 */
export const INTERESTING_WORDS = [
  0, 1, 2, 3, 4, 5, 7, 8, 16, 27, 28, 29, 31, 32, 0xff, 0x100, 0xffff, 0x10000, 0x3ffffc, 0x400000, 0x400001, 0x1fffffc, 0x2000000,
  0x2000003, 0x2000004, 0x2000005, 0x4000000, 0x7ffffffc, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffc, 0xfffffffe, 0xffffffff,
] as const;

/** One byte-level mutation. */
export type ByteMutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'byte'; at: number; value: number }
  | { kind: 'word'; at: number; aligned: boolean; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'duplicate'; from: number; length: number; to: number }
  | { kind: 'splice'; at: number; other: number; otherAt: number }
  | { kind: 'length'; delta: number };

const position = fc.nat({ max: 1 << 20 });

const word = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...INTERESTING_WORDS) },
  { weight: 1, arbitrary: fc.nat({ max: 0xffffffff }) },
);

/** A byte mutation; `splice` takes bytes from another input of the same pool. */
export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('byte' as const), at: position, value: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff) }),
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('word' as const), at: position, aligned: fc.boolean(), value: word }) },
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), from: position, length: fc.integer({ min: 1, max: 64 }), to: position }),
  fc.record({ kind: fc.constant('splice' as const), at: position, other: fc.nat(), otherAt: position }),
  fc.record({ kind: fc.constant('length' as const), delta: fc.integer({ min: -8, max: 8 }) }),
);

/** 1–4 byte mutations. */
export const byteMutations = fc.array(byteMutation, { minLength: 1, maxLength: 4 });

/** Apply `mutations` to a copy of `input`; `pool` feeds `splice`. */
export function mutateBytes(input: Uint8Array, mutations: readonly ByteMutation[], pool: readonly Uint8Array[] = []): Buffer {
  let b = Buffer.from(input);
  for (const m of mutations) {
    const at = (n: number): number => (b.length === 0 ? 0 : n % b.length);
    switch (m.kind) {
      case 'flip':
        if (b.length > 0) b[at(m.at)]! ^= 1 << m.bit;
        break;
      case 'byte':
        if (b.length > 0) b[at(m.at)] = m.value;
        break;
      case 'word': {
        if (b.length < 4) break;
        let offset = m.at % (b.length - 3);
        if (m.aligned) offset &= ~3;
        b.writeUInt32BE(m.value >>> 0, offset);
        break;
      }
      case 'truncate':
        b = b.subarray(0, b.length === 0 ? 0 : m.at % b.length);
        break;
      case 'delete': {
        const start = at(m.at);
        b = Buffer.concat([b.subarray(0, start), b.subarray(start + m.length)]);
        break;
      }
      case 'insert': {
        const start = b.length === 0 ? 0 : m.at % (b.length + 1);
        b = Buffer.concat([b.subarray(0, start), m.bytes, b.subarray(start)]);
        break;
      }
      case 'duplicate': {
        const from = at(m.from);
        const piece = b.subarray(from, from + m.length);
        const to = b.length === 0 ? 0 : m.to % (b.length + 1);
        b = Buffer.concat([b.subarray(0, to), piece, b.subarray(to)]);
        break;
      }
      case 'splice': {
        if (pool.length === 0) break;
        const other = pool[m.other % pool.length]!;
        const start = b.length === 0 ? 0 : m.at % (b.length + 1);
        const from = other.length === 0 ? 0 : m.otherAt % other.length;
        b = Buffer.concat([b.subarray(0, start), other.subarray(from)]);
        break;
      }
      case 'length':
        // Re-point the first word (a packet's length word) near the true size.
        if (b.length >= 4) b.writeUInt32BE(Math.max(0, b.length + m.delta) >>> 0, 0);
        break;
    }
  }
  return b;
}

/** Split `bytes` at the given cut points (any order, duplicates allowed). */
export function chunk(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % (bytes.length + 1))))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    if (p > last) out.push(bytes.subarray(last, p));
    last = Math.max(last, p);
  }
  if (last < bytes.length || out.length === 0) out.push(bytes.subarray(last));
  return out;
}

/** How a stream is cut into chunks: whole, byte by byte, or at random points. */
export type Chunking = { kind: 'whole' } | { kind: 'bytes' } | { kind: 'cuts'; cuts: number[] };

export const chunking: fc.Arbitrary<Chunking> = fc.oneof(fc.constant({ kind: 'whole' as const }), fc.constant({ kind: 'bytes' as const }), {
  weight: 4,
  arbitrary: fc.record({ kind: fc.constant('cuts' as const), cuts: fc.array(fc.nat({ max: 1 << 20 }), { maxLength: 12 }) }),
});

/** Apply a {@link Chunking}. */
export function applyChunking(bytes: Buffer, how: Chunking): Buffer[] {
  switch (how.kind) {
    case 'whole':
      return [bytes];
    case 'bytes': {
      // Byte by byte for the first 4 KiB (a 70 KB payload fed one byte at a time only measures the test).
      const head = Math.min(bytes.length, 4096);
      const out = Array.from({ length: head }, (_, i) => bytes.subarray(i, i + 1));
      if (head < bytes.length) out.push(bytes.subarray(head));
      return out;
    }
    case 'cuts':
      return chunk(bytes, how.cuts);
  }
}

// ---- text ------------------------------------------------------------------

/**
 * Fragments that stress an XML reader: markup delimiters, entity and
 * character references (legal, unknown, out of range), CDATA, comments,
 * processing instructions, DOCTYPE with entities (billion laughs),
 * namespaces, characters XML cannot carry, astral characters, BOM.
 */
export const XML_TOKENS = [
  '<',
  '>',
  '</',
  '/>',
  '&',
  '"',
  "'",
  '=',
  ' ',
  '\n',
  '\t',
  '\r\n',
  ':',
  'x:',
  'xmlns',
  'xmlns:x="urn:x"',
  'xmlns:x=""',
  'xmlns=""',
  'xml:lang="en"',
  'xmlns:xml="urn:bad"',
  'xmlns:xmlns="urn:bad"',
  'xmlns="http://www.w3.org/2000/xmlns/"',
  '&amp;',
  '&lt;',
  '&gt;',
  '&quot;',
  '&apos;',
  '&amp;#65;',
  '&#65;',
  '&#x41;',
  '&#0;',
  '&#x0;',
  '&#xD800;',
  '&#x110000;',
  '&#99999999;',
  '&unknown;',
  '&#;',
  '&#x;',
  '&;',
  '<![CDATA[',
  ']]>',
  '<![CDATA[<a>&</a>]]>',
  '<!--',
  '-->',
  '<!-- c -->',
  '<!---->',
  '--',
  '<?',
  '?>',
  '<?pi x?>',
  '<?xml version="1.0"?>',
  '<?xml-stylesheet href="x"?>',
  '<!DOCTYPE domain>',
  '<!DOCTYPE a [<!ENTITY e "x">]>',
  '<!DOCTYPE a [<!ENTITY a "&b;&b;"><!ENTITY b "&c;&c;">]>',
  '<!ENTITY x SYSTEM "file:///etc/passwd">',
  '&e;',
  '<!ELEMENT a ANY>',
  '<!',
  '\u0000',
  '\u0001',
  '\u000b',
  '\ufffe',
  '\uffff',
  '\ud800',
  '\udc00',
  '\ud83d\ude80',
  '\ufeff',
  '\u0085',
  '\u2028',
  'é',
  '中',
  '\u0301',
  '0x10',
  '-1',
  '18446744073709551616',
  '9007199254740993',
  'NaN',
  '1e309',
  'yes',
  'no',
  'on',
  'off',
  'KiB',
  'TiB',
  'EiB',
  'bytes',
];

/** One character-level mutation of a text. */
export type TextMutation =
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'replace'; at: number; length: number; text: string }
  | { kind: 'duplicate'; from: number; length: number; to: number }
  | { kind: 'swap'; a: number; b: number; length: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'rename'; at: number; name: string };

const textPosition = fc.nat({ max: 1 << 22 });
const token = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...XML_TOKENS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
);

export const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: textPosition, length: fc.integer({ min: 1, max: 32 }) }),
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: textPosition, text: token }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('replace' as const), at: textPosition, length: fc.integer({ min: 1, max: 8 }), text: token }),
  },
  fc.record({ kind: fc.constant('duplicate' as const), from: textPosition, length: fc.integer({ min: 1, max: 200 }), to: textPosition }),
  fc.record({ kind: fc.constant('swap' as const), a: textPosition, b: textPosition, length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: textPosition }),
  // Rename the tag/attribute name at a position (to another plausible or odd name).
  fc.record({
    kind: fc.constant('rename' as const),
    at: textPosition,
    name: fc.constantFrom('disk', 'source', 'target', 'domain', 'devices', 'memory', 'x', 'q:x', 'xmlns:q', 'a-b.c', 'Ä', '1x', ''),
  }),
);

export const textMutations = fc.array(textMutation, { minLength: 1, maxLength: 5 });

const NAME_AT = /[A-Za-z_:][-A-Za-z0-9_.:]*/y;

/** Apply `mutations` to `text`. */
export function mutateText(text: string, mutations: readonly TextMutation[]): string {
  let s = text;
  for (const m of mutations) {
    const at = (n: number): number => (s.length === 0 ? 0 : n % s.length);
    switch (m.kind) {
      case 'delete': {
        const start = at(m.at);
        s = s.slice(0, start) + s.slice(start + m.length);
        break;
      }
      case 'insert': {
        const start = s.length === 0 ? 0 : m.at % (s.length + 1);
        s = s.slice(0, start) + m.text + s.slice(start);
        break;
      }
      case 'replace': {
        const start = at(m.at);
        s = s.slice(0, start) + m.text + s.slice(start + m.length);
        break;
      }
      case 'duplicate': {
        const from = at(m.from);
        const piece = s.slice(from, from + m.length);
        const to = s.length === 0 ? 0 : m.to % (s.length + 1);
        s = s.slice(0, to) + piece + s.slice(to);
        break;
      }
      case 'swap': {
        const [a, b] = [at(m.a), at(m.b)].sort((x, y) => x - y) as [number, number];
        const length = Math.min(m.length, b - a);
        if (length <= 0) break;
        const first = s.slice(a, a + length);
        const second = s.slice(b, b + length);
        s = s.slice(0, a) + second + s.slice(a + length, b) + first + s.slice(b + second.length);
        break;
      }
      case 'truncate':
        s = s.slice(0, at(m.at));
        break;
      case 'rename': {
        // Find the next name after a '<' or a space from the position, and replace it.
        const lt = s.indexOf('<', at(m.at));
        if (lt < 0) break;
        const start = s[lt + 1] === '/' ? lt + 2 : lt + 1;
        NAME_AT.lastIndex = start;
        const match = NAME_AT.exec(s);
        if (match === null) break;
        s = s.slice(0, start) + m.name + s.slice(start + match[0].length);
        break;
      }
    }
  }
  return s;
}
