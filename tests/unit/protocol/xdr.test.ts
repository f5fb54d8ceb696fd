import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, ProtocolError } from '../../../src/errors/index.js';
import { typedParam, typedParams, uuid } from '../../../src/rpc/protocol/index.js';
import {
  type Codec,
  XdrReader,
  XdrWriter,
  array,
  bool,
  char,
  charArray,
  double,
  fixedArray,
  fixedCharString,
  fixedOpaque,
  hyper,
  int,
  mapped,
  opaque,
  optional,
  short,
  string,
  struct,
  uchar,
  uhyper,
  uint,
  union,
  ushort,
  xdrVoid,
} from '../../../src/rpc/xdr/index.js';

function enc<T>(codec: Codec<T>, value: T): Buffer {
  const w = new XdrWriter(8); // tiny start so every test also exercises buffer growth
  codec.encode(w, value, 'v');
  return Buffer.from(w.bytes());
}

function dec<T>(codec: Codec<T>, bytes: Buffer): T {
  const r = new XdrReader(bytes);
  const v = codec.decode(r);
  r.expectEnd('v');
  return v;
}

function roundTrip<T>(codec: Codec<T>, value: T, expectedHex?: string): T {
  const bytes = enc(codec, value);
  if (expectedHex !== undefined) expect(bytes.toString('hex')).toBe(expectedHex.replace(/\s+/g, ''));
  expect(bytes.length % 4).toBe(0);
  return dec(codec, bytes);
}

const h = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('integers', () => {
  it('int: INT32 min/max, -1, 0', () => {
    expect(roundTrip(int, -0x8000_0000, '80000000')).toBe(-0x8000_0000);
    expect(roundTrip(int, 0x7fff_ffff, '7fffffff')).toBe(0x7fff_ffff);
    expect(roundTrip(int, -1, 'ffffffff')).toBe(-1);
    expect(roundTrip(int, 0, '00000000')).toBe(0);
  });

  it('int: refuses out-of-range and non-integers with InvalidArgumentError', () => {
    for (const bad of [0x8000_0000, -0x8000_0001, 1.5, Number.NaN, Infinity]) {
      expect(() => enc(int, bad)).toThrow(InvalidArgumentError);
    }
  });

  it('uint: 0 and UINT32 max; refuses -1 and 2^32', () => {
    expect(roundTrip(uint, 0xffff_ffff, 'ffffffff')).toBe(0xffff_ffff);
    expect(roundTrip(uint, 0, '00000000')).toBe(0);
    expect(() => enc(uint, -1)).toThrow(InvalidArgumentError);
    expect(() => enc(uint, 2 ** 32)).toThrow(InvalidArgumentError);
  });

  it('hyper: INT64 min/max as bigint, safe numbers accepted, unsafe refused', () => {
    const min = -(2n ** 63n);
    const max = 2n ** 63n - 1n;
    expect(roundTrip(hyper, min, '80000000 00000000')).toBe(min);
    expect(roundTrip(hyper, max, '7fffffff ffffffff')).toBe(max);
    expect(roundTrip(hyper, -1n, 'ffffffff ffffffff')).toBe(-1n);
    expect(dec(hyper, enc(hyper, 42 as unknown as bigint))).toBe(42n);
    expect(() => enc(hyper, max + 1n)).toThrow(InvalidArgumentError);
    expect(() => enc(hyper, min - 1n)).toThrow(InvalidArgumentError);
    expect(() => enc(hyper, (2 ** 60) as unknown as bigint)).toThrow(InvalidArgumentError);
  });

  it('uhyper: 0 and UINT64 max; refuses negatives and 2^64', () => {
    const max = 2n ** 64n - 1n;
    expect(roundTrip(uhyper, max, 'ffffffff ffffffff')).toBe(max);
    expect(roundTrip(uhyper, 0n, '00000000 00000000')).toBe(0n);
    expect(() => enc(uhyper, -1n)).toThrow(InvalidArgumentError);
    expect(() => enc(uhyper, 2n ** 64n)).toThrow(InvalidArgumentError);
  });

  it('char/uchar/short/ushort are widened to 4 bytes', () => {
    expect(roundTrip(char, -128, 'ffffff80')).toBe(-128);
    expect(roundTrip(char, 127, '0000007f')).toBe(127);
    expect(roundTrip(uchar, 255, '000000ff')).toBe(255);
    expect(roundTrip(short, -0x8000, 'ffff8000')).toBe(-0x8000);
    expect(roundTrip(ushort, 0xffff, '0000ffff')).toBe(0xffff);
    for (const [codec, bad] of [
      [char, 128],
      [char, -129],
      [uchar, 256],
      [uchar, -1],
      [short, 0x8000],
      [ushort, 0x1_0000],
    ] as const) {
      expect(() => enc(codec, bad)).toThrow(InvalidArgumentError);
    }
  });

  it('widened decoders keep the low bits like glibc xdr_u_char', () => {
    expect(dec(uchar, h('00000101'))).toBe(1);
    expect(dec(ushort, h('00010002'))).toBe(2);
    expect(dec(char, h('000000ff'))).toBe(-1);
  });
});

describe('double and bool', () => {
  it('round-trips edge doubles, including NaN and -0', () => {
    expect(roundTrip(double, 1, '3ff00000 00000000')).toBe(1);
    expect(Object.is(roundTrip(double, -0, '80000000 00000000'), -0)).toBe(true);
    expect(roundTrip(double, Number.NaN)).toBeNaN();
    for (const v of [Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, -1.5, 0.1]) {
      expect(roundTrip(double, v)).toBe(v);
    }
    expect(() => enc(double, '1' as unknown as number)).toThrow(InvalidArgumentError);
  });

  it('bool is a 4-byte 0/1; anything else is a ProtocolError', () => {
    expect(roundTrip(bool, true, '00000001')).toBe(true);
    expect(roundTrip(bool, false, '00000000')).toBe(false);
    expect(() => dec(bool, h('00000002'))).toThrow(ProtocolError);
    expect(() => enc(bool, 1 as unknown as boolean)).toThrow(InvalidArgumentError);
  });
});

describe('strings and opaque', () => {
  it('pads every length to 4 bytes with zeros (pad 0, 3, 2, 1)', () => {
    expect(roundTrip(string(16), '', '00000000')).toBe('');
    expect(roundTrip(string(16), 'a', '00000001 61000000')).toBe('a');
    expect(roundTrip(string(16), 'ab', '00000002 61620000')).toBe('ab');
    expect(roundTrip(string(16), 'abc', '00000003 61626300')).toBe('abc');
    expect(roundTrip(string(16), 'abcd', '00000004 61626364')).toBe('abcd');
  });

  it('counts UTF-8 bytes, not characters', () => {
    expect(roundTrip(string(16), 'é', '00000002 c3a90000')).toBe('é');
    expect(roundTrip(string(16), '€', '00000003 e282ac00')).toBe('€');
    expect(roundTrip(string(16), '😀', '00000004 f09f9880')).toBe('😀');
    expect(roundTrip(string(16), 'Grüße, 世界')).toBe('Grüße, 世界');
    expect(roundTrip(string(3), '€')).toBe('€');
    expect(() => enc(string(3), '€a')).toThrow(InvalidArgumentError);
  });

  it('refuses announced lengths above the maximum or beyond the buffer', () => {
    expect(() => dec(string(3), h('00000004 61626364'))).toThrow(ProtocolError);
    expect(() => dec(string(100), h('00000008 61626364'))).toThrow(ProtocolError);
    expect(() => dec(string(2 ** 32 - 1), h('ffffffff 00000000'))).toThrow(ProtocolError);
  });

  it('opaque: empty, exactly max, max+1', () => {
    expect(roundTrip(opaque(5), Buffer.alloc(0), '00000000')).toEqual(Buffer.alloc(0));
    const five = Buffer.from([1, 2, 3, 4, 5]);
    expect(roundTrip(opaque(5), five, '00000005 01020304 05000000')).toEqual(five);
    expect(() => enc(opaque(5), Buffer.alloc(6))).toThrow(InvalidArgumentError);
    expect(() => dec(opaque(5), h('00000006 00000000 00000000'))).toThrow(ProtocolError);
  });

  it('fixedOpaque has no length and pads; uuid is 16 raw bytes', () => {
    expect(roundTrip(fixedOpaque(5), Buffer.from('abcde'), '61626364 65000000')).toEqual(Buffer.from('abcde'));
    expect(() => enc(fixedOpaque(5), Buffer.alloc(4))).toThrow(InvalidArgumentError);
    const id = '6695eb01-f6a4-8304-79aa-97f2502e193f';
    expect(roundTrip(uuid, id, '6695eb01 f6a48304 79aa97f2 502e193f')).toBe(id);
    expect(dec(uuid, enc(uuid, '6695EB01F6A4830479AA97F2502E193F'))).toBe(id);
    expect(() => enc(uuid, 'not-a-uuid')).toThrow(InvalidArgumentError);
  });

  it('fixedCharString(32) is 128 bytes, one char per 4-byte word, NUL-padded', () => {
    const bytes = enc(fixedCharString(32), 'i686');
    expect(bytes.length).toBe(128);
    expect(bytes.subarray(0, 20).toString('hex')).toBe('00000069000000360000003800000036' + '00000000');
    expect(dec(fixedCharString(32), bytes)).toBe('i686');
    expect(roundTrip(fixedCharString(32), 'x'.repeat(32))).toBe('x'.repeat(32));
    expect(roundTrip(fixedCharString(32), 'Ünïcødé')).toBe('Ünïcødé');
    expect(() => enc(fixedCharString(32), 'x'.repeat(33))).toThrow(InvalidArgumentError);
  });

  it('charArray is 4 bytes per byte', () => {
    const data = Buffer.from([0, 1, 0x7f, 0x80, 0xff]);
    expect(roundTrip(charArray(5), data, '00000005 00000000 00000001 0000007f ffffff80 ffffffff')).toEqual(data);
    expect(() => enc(charArray(4), data)).toThrow(InvalidArgumentError);
    expect(() => dec(charArray(4), h('00000005'))).toThrow(ProtocolError);
  });
});

describe('combinators', () => {
  it('optional: NULL is 00000000, present is 00000001 + value, other flags are errors', () => {
    const c = optional(int);
    expect(roundTrip(c, null, '00000000')).toBeNull();
    expect(roundTrip(c, 7, '00000001 00000007')).toBe(7);
    expect(() => dec(c, h('00000002 00000007'))).toThrow(ProtocolError);
  });

  it('array: exactly max round-trips; max+1 is refused both ways', () => {
    const c = array(int, 3);
    expect(roundTrip(c, [], '00000000')).toEqual([]);
    expect(roundTrip(c, [1, 2, 3], '00000003 00000001 00000002 00000003')).toEqual([1, 2, 3]);
    expect(() => enc(c, [1, 2, 3, 4])).toThrow(InvalidArgumentError);
    expect(() => dec(c, h('00000004 00000001 00000002 00000003 00000004'))).toThrow(ProtocolError);
    expect(() => enc(c, 'nope' as unknown as number[])).toThrow(InvalidArgumentError);
  });

  it('fixedArray has no count', () => {
    expect(roundTrip(fixedArray(uint, 2), [1, 2], '00000001 00000002')).toEqual([1, 2]);
    expect(() => enc(fixedArray(uint, 2), [1])).toThrow(InvalidArgumentError);
  });

  it('struct encodes fields in declaration order and names the path in errors', () => {
    const c = struct({ b: int, a: string(8), n: struct({ x: uhyper }) });
    expect(roundTrip(c, { b: 1, a: 'z', n: { x: 2n } }, '00000001 00000001 7a000000 00000000 00000002')).toEqual({
      b: 1,
      a: 'z',
      n: { x: 2n },
    });
    expect(() => enc(c, { b: 1, a: 'z', n: { x: -1n } })).toThrow(/v\.n\.x/);
    expect(() => enc(c, null as never)).toThrow(InvalidArgumentError);
  });

  it('union: known arms round-trip; unknown discriminant is InvalidArgumentError on encode, ProtocolError on decode', () => {
    const c = union({ 1: int, 2: string(8), 3: xdrVoid }, 'u');
    expect(roundTrip(c, { type: 1, value: -1 }, '00000001 ffffffff')).toEqual({ type: 1, value: -1 });
    expect(roundTrip(c, { type: 2, value: 'ok' }, '00000002 00000002 6f6b0000')).toEqual({ type: 2, value: 'ok' });
    expect(roundTrip(c, { type: 3, value: undefined }, '00000003')).toEqual({ type: 3, value: undefined });
    expect(() => enc(c, { type: 4, value: 1 } as never)).toThrow(InvalidArgumentError);
    expect(() => dec(c, h('00000004 00000000'))).toThrow(ProtocolError);
  });

  it('mapped converts at the boundary', () => {
    const c = mapped(
      uint,
      (n) => String(n),
      (s: string) => Number(s),
    );
    expect(roundTrip(c, '17', '00000011')).toBe('17');
  });

  it('typed parameters: every arm, and an unknown type is a ProtocolError', () => {
    const params = [
      { field: 'i', type: 'int', value: -5 },
      { field: 'ui', type: 'uint', value: 0xffff_ffff },
      { field: 'l', type: 'llong', value: -(2n ** 63n) },
      { field: 'ul', type: 'ullong', value: 2n ** 64n - 1n },
      { field: 'd', type: 'double', value: 0.25 },
      { field: 'b', type: 'boolean', value: true },
      { field: 's', type: 'string', value: 'vda' },
    ] as const;
    expect(roundTrip(typedParams(7), [...params])).toEqual(params);
    expect(() => dec(typedParam, h('00000001 78000000 00000008 00000000'))).toThrow(ProtocolError);
    expect(() => enc(typedParam, { field: 'x', type: 'nope', value: 1 } as never)).toThrow(InvalidArgumentError);
    expect(() => enc(typedParam, { field: 'f'.repeat(80), type: 'int', value: 1 })).toThrow(InvalidArgumentError);
  });
});

describe('hostile input', () => {
  const composite = struct({
    name: string(64),
    id: hyper,
    maybe: optional(string(64)),
    list: array(struct({ k: string(16), v: uint }), 8),
    model: fixedCharString(4),
    params: typedParams(4),
    flag: bool,
  });
  const sample = {
    name: 'dómain',
    id: -3n,
    maybe: 'abc',
    list: [
      { k: 'a', v: 1 },
      { k: 'bcde', v: 2 },
    ],
    model: 'x86',
    params: [
      { field: 'cpu.time', type: 'ullong', value: 123n },
      { field: 'net.0.name', type: 'string', value: 'vnet0' },
    ],
    flag: true,
  } as Parameters<typeof composite.encode>[1];

  it('every truncation point is a ProtocolError', () => {
    const bytes = enc(composite, sample);
    expect(dec(composite, bytes)).toEqual(sample);
    for (let cut = 0; cut < bytes.length; cut++) {
      expect(() => dec(composite, bytes.subarray(0, cut)), `cut at ${cut}`).toThrow(ProtocolError);
    }
  });

  it('trailing bytes are a ProtocolError', () => {
    expect(() => dec(int, h('00000001 00000000'))).toThrow(ProtocolError);
  });

  it('a huge announced count with 8 bytes left is refused before allocating', () => {
    const bytes = h('ffffffff 00000000 00000000');
    expect(() => dec(array(int, 2 ** 32 - 1), bytes)).toThrow(/cannot fit/);
    expect(() => dec(array(int, 16), bytes)).toThrow(ProtocolError);
    expect(() => dec(typedParams(2 ** 32 - 1), bytes)).toThrow(ProtocolError);
    expect(() => dec(charArray(2 ** 32 - 1), bytes)).toThrow(ProtocolError);
    expect(() => dec(opaque(2 ** 32 - 1), bytes)).toThrow(ProtocolError);
    expect(() => dec(string(2 ** 32 - 1), bytes)).toThrow(ProtocolError);
  });

  // Known gap (reported, not fixed here): XdrReader.count() skips the "can the remaining bytes
  // hold n elements" check when the element's minSize is 0, so an array of zero-size elements
  // (xdrVoid, struct({})) accepts any announced count up to `max` and allocates `new Array(n)`.
  // With max = 2^32-1 a 4-byte payload of ffffffff crashes the process (heap OOM). No libvirt
  // type has zero-size array elements, so no descriptor is affected. Flip to `it` once fixed.
  it('zero-size elements: a count the payload cannot justify is refused', () => {
    expect(() => dec(array(struct({}), 2 ** 32 - 1), h('000fffff'))).toThrow(ProtocolError);
  });

  it('refuses a huge count before any per-element work', () => {
    expect(() => dec(array(struct({ a: hyper, b: hyper }), 2 ** 32 - 1), h('fffffffe 00000000'))).toThrow(ProtocolError);
  });
});
