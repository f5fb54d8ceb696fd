import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../src/errors/index.js';
import { PacketFramer, type Packet } from '../../../src/rpc/framer.js';

/** Build one packet from header fields and payload bytes. */
function packet(proc: number, serial: number, payload: number[] = [], type = 1, status = 0): Buffer {
  const b = Buffer.alloc(28 + payload.length);
  b.writeUInt32BE(b.length, 0);
  b.writeUInt32BE(0x20008086, 4); // program
  b.writeUInt32BE(1, 8); // version
  b.writeInt32BE(proc, 12);
  b.writeInt32BE(type, 16);
  b.writeUInt32BE(serial, 20);
  b.writeInt32BE(status, 24);
  Buffer.from(payload).copy(b, 28);
  return b;
}

// Three packets of different sizes, including an empty payload and an odd one.
const stream = Buffer.concat([
  packet(157, 1, [0, 0, 0, 0, 0, 0x89, 0x54, 0x40]),
  packet(2, 2),
  packet(
    23,
    3,
    Array.from({ length: 301 }, (_, i) => i & 0xff),
  ),
]);

function collect(chunks: Buffer[]): Packet[] {
  const framer = new PacketFramer();
  const out: Packet[] = [];
  for (const c of chunks) framer.push(c, (p) => out.push({ header: p.header, payload: Buffer.from(p.payload) }));
  expect(framer.bufferedBytes).toBe(0);
  return out;
}

function summary(packets: Packet[]): unknown[] {
  return packets.map((p) => [p.header.proc, p.header.serial, p.payload.toString('hex')]);
}

describe('PacketFramer', () => {
  const expected = summary(collect([stream]));

  it('decodes packets fed whole', () => {
    expect(expected).toHaveLength(3);
    expect(expected[0]).toEqual([157, 1, '0000000000895440']);
    expect(expected[1]).toEqual([2, 2, '']);
  });

  it('decodes packets fed byte by byte', () => {
    const bytes = [...stream].map((b) => Buffer.from([b]));
    expect(summary(collect(bytes))).toEqual(expected);
  });

  it('decodes packets split at every offset', () => {
    for (let i = 1; i < stream.length; i++) {
      expect(summary(collect([stream.subarray(0, i), stream.subarray(i)]))).toEqual(expected);
    }
  });

  it('decodes packets split into three at many offsets', () => {
    for (let i = 1; i < stream.length - 1; i += 7) {
      for (let j = i + 1; j < stream.length; j += 11) {
        const parts = [stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)];
        expect(summary(collect(parts))).toEqual(expected);
      }
    }
  });

  it('rejects a length below 28 and stays failed', () => {
    const framer = new PacketFramer();
    const bad = Buffer.from('0000001b' + '00'.repeat(27), 'hex');
    expect(() => framer.push(bad, () => undefined)).toThrow(ProtocolError);
    expect(() => framer.push(packet(1, 1), () => undefined)).toThrow(ProtocolError);
  });

  it('rejects an oversized length from the length word alone, without buffering', () => {
    const framer = new PacketFramer({ maxMessage: 1024 });
    expect(() => framer.push(Buffer.from('ffffffff', 'hex'), () => undefined)).toThrow(/exceeds the maximum/);
    expect(framer.bufferedBytes).toBe(0);
  });

  it('says a length word of printable ASCII is a peer speaking text ("HTTP" = 1213486160), not libvirt', () => {
    const framer = new PacketFramer();
    expect(() => framer.push(Buffer.from('HTTP/1.1 400 Bad Request\r\n'), () => undefined)).toThrow(
      'packet length 1213486160 exceeds the maximum of 33554436: the peer sent text ("HTTP"), so it is probably not a libvirt daemon',
    );
    // A binary oversized length keeps the plain message.
    expect(() => new PacketFramer({ maxMessage: 1024 }).push(Buffer.from('7fffff00', 'hex'), () => undefined)).toThrow(
      /^packet length 2147483392 exceeds the maximum of 1028$/,
    );
  });

  it('rejects a length split across chunks', () => {
    const framer = new PacketFramer({ maxMessage: 1024 });
    framer.push(Buffer.from('7f', 'hex'), () => undefined);
    expect(() => framer.push(Buffer.from('ffffff', 'hex'), () => undefined)).toThrow(ProtocolError);
  });

  it('rejects an unknown message type or status', () => {
    expect(() => new PacketFramer().push(packet(1, 1, [], 7), () => undefined)).toThrow(/invalid message type 7/);
    expect(() => new PacketFramer().push(packet(1, 1, [], 1, 3), () => undefined)).toThrow(/invalid message status 3/);
  });

  it('keeps a partial packet until the rest arrives', () => {
    const framer = new PacketFramer();
    const out: Packet[] = [];
    framer.push(stream.subarray(0, 30), (p) => out.push(p));
    expect(out).toHaveLength(0);
    expect(framer.bufferedBytes).toBe(30);
  });
});
