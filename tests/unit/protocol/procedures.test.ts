import { describe, expect, it } from 'vitest';
import {
  ALL_PROCEDURES,
  DOMAIN_EVENT_BY_ID,
  DOMAIN_EVENT_CALLBACK_LIFECYCLE,
  DOMAIN_EVENT_CALLBACK_PMWAKEUP,
  DOMAIN_EVENT_CALLBACK_TUNABLE,
  DOMAIN_GET_INFO,
  EVENT_BY_PROC,
  NODE_GET_INFO,
  REMOTE_PROGRAM,
  VirDomainEventID,
  decodeEvent,
  remoteProcedureName,
} from '../../../src/rpc/protocol/index.js';
import { type Codec, XdrReader, XdrWriter } from '../../../src/rpc/xdr/index.js';

/**
 * A stand-in for XdrReader that *invents* values: running a codec's decoder
 * over it yields a sample value of exactly the codec's shape (arrays of 2,
 * typed-parameter types cycling 1..7, optionals all present or all NULL), so
 * every descriptor gets a round-trip test without a hand-written sample.
 */
class SampleReader {
  #n = 0;
  constructor(readonly present: boolean) {}
  #next(): number {
    this.#n = (this.#n % 7) + 1; // 1..7: valid for every int-discriminated union we have
    return this.#n;
  }
  int(): number {
    return this.#next();
  }
  uint(): number {
    return this.#next() + 0x8000_0000; // exercises the unsigned top bit
  }
  hyper(): bigint {
    return -(2n ** 62n) - BigInt(this.#next());
  }
  uhyper(): bigint {
    return 2n ** 63n + BigInt(this.#next()); // beyond 2^53: must stay a bigint
  }
  double(): number {
    return this.#next() / 4;
  }
  bool(): boolean {
    return this.present;
  }
  fixedOpaque(length: number): Buffer {
    return Buffer.from(Array.from({ length }, (_, i) => (i * 37 + this.#next()) & 0xff));
  }
  fixedInPlace<T>(length: number, convert: (buf: Buffer, offset: number) => T): T {
    return convert(this.fixedOpaque(length), 0);
  }
  opaque(max: number): Buffer {
    return this.fixedOpaque(Math.min(max, 5));
  }
  string(max: number): string {
    const s = `sämple-${this.#next()}`;
    return Buffer.byteLength(s) <= max ? s : 'x'.repeat(Math.min(max, 1));
  }
  count(max: number): number {
    return Math.min(max, 2);
  }
  get remaining(): number {
    return Number.MAX_SAFE_INTEGER;
  }
  get offset(): number {
    return 0;
  }
  expectEnd(): void {}
  rest(): Buffer {
    return Buffer.alloc(0);
  }
}

function sample<T>(codec: Codec<T>, present: boolean): T {
  return codec.decode(new SampleReader(present) as unknown as XdrReader);
}

function roundTrip<T>(codec: Codec<T>, value: T): T {
  const w = new XdrWriter();
  codec.encode(w, value, 'sample');
  const bytes = Buffer.from(w.bytes());
  expect(bytes.length % 4).toBe(0);
  const r = new XdrReader(bytes);
  const out = codec.decode(r);
  r.expectEnd('sample');
  return out;
}

/** `@priority: high` procedures among ours, from Appendix B of the protocol reference. */
const HIGH_PRIORITY = new Set([
  1, 2, 3, 4, 5, 6, 11, 12, 15, 22, 23, 24, 29, 35, 41, 42, 43, 44, 45, 46, 47, 48, 49, 59, 60, 66, 67, 68, 69, 70, 77, 80, 82, 84, 85, 86,
  87, 88, 89, 90, 95, 96, 97, 98, 99, 100, 102, 110, 149, 150, 151, 152, 154, 157, 186, 189, 203, 212, 231, 234, 244, 273, 274, 281, 282,
  283, 313, 314, 316, 317, 350, 360, 361, 368, 369, 378, 413, 414, 415, 416, 422, 432,
  // secrets, nwfilters, node devices (day-2 reference §7, from remote_protocol.x's @priority annotations)
  113, 115, 141, 142, 143, 144, 145, 146, 147, 175, 176, 177, 180, 181, 285, 286, 287, 374, 375, 380, 381, 398, 401,
  // save images, security labels, is-updated, autostart-once (libvirt-rpc-protocol.md's procedure list)
  202, 235, 236, 278, 449, 450,
  // host interfaces, CPU compare, storage pool by target path / persistence
  128, 129, 131, 132, 134, 155, 156, 158, 284, 391,
  // networks (update, ports), node device lifecycle, nwfilter bindings, snapshot children (Appendix B)
  117, 124, 153, 275, 291, 297, 397, 399, 400, 404, 405, 429, 430, 431, 433, 434, 435, 436, 437, 447,
  // domain and host statistics (Appendix B)
  65, 101, 122, 227, 228, 229, 340,
]);

const STREAMS = new Map([
  [201, 'both'],
  [208, 'write'],
  [296, 'both'],
  [209, 'read'],
  [211, 'read'],
]);

describe('ALL_PROCEDURES', () => {
  it('has no duplicate numbers or names, and every name matches Appendix B', () => {
    expect(ALL_PROCEDURES.length).toBeGreaterThanOrEqual(120);
    expect(new Set(ALL_PROCEDURES.map((d) => d.proc)).size).toBe(ALL_PROCEDURES.length);
    expect(new Set(ALL_PROCEDURES.map((d) => d.name)).size).toBe(ALL_PROCEDURES.length);
    for (const d of ALL_PROCEDURES) {
      expect(remoteProcedureName(d.proc), `proc ${d.proc}`).toBe(d.name);
      expect(d.program).toBe(REMOTE_PROGRAM);
      expect(d.version).toBe(1);
    }
  });

  it('is sorted and frozen', () => {
    const procs = ALL_PROCEDURES.map((d) => d.proc);
    expect(procs).toEqual([...procs].sort((a, b) => a - b));
    expect(Object.isFrozen(ALL_PROCEDURES)).toBe(true);
    expect(Object.isFrozen(ALL_PROCEDURES[0])).toBe(true);
  });

  it('carries libvirt priority and stream annotations', () => {
    for (const d of ALL_PROCEDURES) {
      expect(d.priority, `${d.name} priority`).toBe(HIGH_PRIORITY.has(d.proc) ? 'high' : 'low');
      expect(d.stream, `${d.name} stream`).toBe(STREAMS.get(d.proc));
    }
  });

  describe.each(ALL_PROCEDURES.map((d) => [`${d.proc} ${d.name}`, d] as const))('%s', (_, d) => {
    it.each([true, false])('args and ret round-trip (optionals present: %s)', (present) => {
      const args = sample(d.args, present);
      expect(roundTrip(d.args, args)).toEqual(args);
      const ret = sample(d.ret, present);
      expect(roundTrip(d.ret, ret)).toEqual(ret);
    });
  });
});

describe('wire traps in descriptors', () => {
  it('NODE_GET_INFO ret is 128 + 8 + 6×4 bytes', () => {
    const w = new XdrWriter();
    NODE_GET_INFO.ret.encode(w, { model: 'x86_64', memory: 1n, cpus: 1, mhz: 1, nodes: 1, sockets: 1, cores: 1, threads: 1 }, 'ret');
    expect(w.length).toBe(160);
  });

  it('DOMAIN_GET_INFO ret widens state and nrVirtCpu to 4 bytes each', () => {
    const w = new XdrWriter();
    DOMAIN_GET_INFO.ret.encode(w, { state: 1, maxMem: 2n, memory: 3n, nrVirtCpu: 4, cpuTime: 5n }, 'ret');
    expect(Buffer.from(w.bytes()).toString('hex')).toBe(
      '00000001' + '0000000000000002' + '0000000000000003' + '00000004' + '0000000000000005',
    );
    expect(() =>
      DOMAIN_GET_INFO.ret.encode(new XdrWriter(), { state: 256, maxMem: 0n, memory: 0n, nrVirtCpu: 0, cpuTime: 0n }, 'ret'),
    ).toThrow();
  });
});

const DOM = { name: 'vm', uuid: '00112233-4455-6677-8899-aabbccddeeff', id: 3 };
const DOM_HEX = '00000002 766d0000 00112233 44556677 8899aabb ccddeeff 00000003'.replace(/ /g, '');

describe('event messages', () => {
  const routes = [...EVENT_BY_PROC.entries()];

  it('cover every domain event ID 0–27 with the procs of §4.2', () => {
    const expected = [
      318, 319, 320, 321, 322, 323, 324, 325, 326, 327, 328, 329, 330, 331, 332, 333, 339, 346, 348, 354, 359, 363, 367, 379, 385, 423, 438,
      453,
    ];
    expect([...DOMAIN_EVENT_BY_ID.keys()]).toEqual(Object.values(VirDomainEventID));
    expect([...DOMAIN_EVENT_BY_ID.values()].map((d) => d.proc)).toEqual(expected);
    for (const [id, d] of DOMAIN_EVENT_BY_ID) expect(EVENT_BY_PROC.get(d.proc)).toMatchObject({ family: 'domain', eventId: id });
  });

  it('route network, storage pool and connection events', () => {
    expect(EVENT_BY_PROC.get(315)).toMatchObject({ family: 'network', eventId: 0 });
    expect(EVENT_BY_PROC.get(446)).toMatchObject({ family: 'network', eventId: 1 });
    expect(EVENT_BY_PROC.get(370)).toMatchObject({ family: 'storagePool', eventId: 0 });
    expect(EVENT_BY_PROC.get(373)).toMatchObject({ family: 'storagePool', eventId: 1 });
    expect(EVENT_BY_PROC.get(362)).toMatchObject({ family: 'connection' });
    expect(EVENT_BY_PROC.get(376)).toMatchObject({ family: 'nodeDevice', eventId: 0 });
    expect(EVENT_BY_PROC.get(377)).toMatchObject({ family: 'nodeDevice', eventId: 1 });
    expect(EVENT_BY_PROC.get(382)).toMatchObject({ family: 'secret', eventId: 0 });
    expect(EVENT_BY_PROC.get(383)).toMatchObject({ family: 'secret', eventId: 1 });
    expect(EVENT_BY_PROC.size).toBe(37);
  });

  it.each(routes.map(([proc, r]) => [`${proc} ${r.descriptor.name}`, r] as const))(
    '%s: name matches, round-trips, and has callbackID',
    (_, route) => {
      expect(remoteProcedureName(route.descriptor.proc)).toBe(route.descriptor.name);
      for (const present of [true, false]) {
        const msg = route.descriptor.msg as Codec<unknown>;
        const value = sample(msg, present);
        expect(roundTrip(msg, value)).toEqual(value);
        expect(value).toHaveProperty('callbackID');
        if (route.family === 'domain') expect(value).toHaveProperty('dom');
      }
    },
  );

  it('nested layout: LIFECYCLE is { callbackID, { dom, event, detail } } and decodes flat', () => {
    const bytes = Buffer.from(`00000007${DOM_HEX}0000000500000001`, 'hex');
    expect(decodeEvent(318, bytes)).toEqual({
      family: 'domain',
      eventId: 0,
      name: 'DOMAIN_EVENT_CALLBACK_LIFECYCLE',
      value: { callbackID: 7, dom: DOM, event: 5, detail: 1 },
    });
    const w = new XdrWriter();
    DOMAIN_EVENT_CALLBACK_LIFECYCLE.msg.encode(w, { callbackID: 7, dom: DOM, event: 5, detail: 1 }, 'msg');
    expect(Buffer.from(w.bytes())).toEqual(bytes);
  });

  it('PMWAKEUP puts int reason between callbackID and the nested msg', () => {
    const bytes = Buffer.from(`00000002 00000009 ${DOM_HEX}`.replace(/ /g, ''), 'hex');
    expect(decodeEvent(329, bytes)?.value).toEqual({ callbackID: 2, reason: 9, dom: DOM });
    const w = new XdrWriter();
    DOMAIN_EVENT_CALLBACK_PMWAKEUP.msg.encode(w, { callbackID: 2, reason: 9, dom: DOM }, 'msg');
    expect(Buffer.from(w.bytes())).toEqual(bytes);
  });

  it('flat layout: TUNABLE is { callbackID, dom, params<> }', () => {
    const bytes = Buffer.from(
      `00000001${DOM_HEX}00000001 0000000a 6370752e 73686172 65730000 00000004 00000000 00000400`.replace(/ /g, ''),
      'hex',
    );
    expect(DOMAIN_EVENT_CALLBACK_TUNABLE.msg.decode(new XdrReader(bytes))).toEqual({
      callbackID: 1,
      dom: DOM,
      params: [{ field: 'cpu.shares', type: 'ullong', value: 1024n }],
    });
  });

  it('connection closed decodes with callbackID null; unknown procs are undefined; junk is a ProtocolError', () => {
    expect(decodeEvent(362, Buffer.from('00000002', 'hex'))?.value).toEqual({ callbackID: null, reason: 2 });
    expect(decodeEvent(107, Buffer.alloc(0))).toBeUndefined();
    expect(() => decodeEvent(318, Buffer.from('00000001', 'hex'))).toThrow(/truncated/);
    expect(() => decodeEvent(362, Buffer.from('0000000200000000', 'hex'))).toThrow(/trailing/);
  });
});
