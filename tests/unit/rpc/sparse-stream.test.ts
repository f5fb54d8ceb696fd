import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError, InvalidStateError, ProtocolError } from '../../../src/errors/index.js';
import { MessageStatus, MessageType } from '../../../src/rpc/protocol/constants.js';
import type { MessageHeader } from '../../../src/rpc/protocol/header.js';
import type { SparseChunk } from '../../../src/rpc/index.js';
import type { FakeClient } from '../../../src/testing/index.js';
import { DOWNLOAD, UPLOAD, fakePair, vol } from '../../helpers/fake.js';

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});

const plain = { vol, offset: 0n, length: 0n, flags: 0 };
const sparse = { ...plain, flags: 1 };

/** A hand-built STREAM_HOLE packet: 28-byte header, then `virNetStreamHole { hyper length; unsigned int flags; }`. */
function holePacket(serial: number, payload: Buffer, proc = 209): Buffer {
  const header = Buffer.alloc(28);
  header.writeUInt32BE(28 + payload.length, 0);
  header.writeUInt32BE(0x20008086, 4); // REMOTE_PROGRAM
  header.writeUInt32BE(1, 8); // version
  header.writeUInt32BE(proc, 12);
  header.writeUInt32BE(MessageType.VIR_NET_STREAM_HOLE, 16);
  header.writeUInt32BE(serial, 20);
  header.writeUInt32BE(MessageStatus.VIR_NET_CONTINUE, 24);
  return Buffer.concat([header, payload]);
}

function holePayload(length: bigint, flags = 0): Buffer {
  const p = Buffer.alloc(12);
  p.writeBigInt64BE(length, 0);
  p.writeUInt32BE(flags, 8);
  return p;
}

type Step = Buffer | { hole: bigint } | { raw: Buffer };

/** A download the fake daemon answers with `steps` (data, holes, raw hole payloads), EOF, and a finish confirmation. */
async function sparseDownload(steps: Step[], args = sparse) {
  const pair = await fakePair();
  dispose = pair.dispose;
  const { daemon, client } = pair;
  const fromClient: MessageHeader[] = [];
  daemon.handle(DOWNLOAD, (_a, { header, client: c }) => {
    setImmediate(() => {
      for (const step of steps) {
        if (Buffer.isBuffer(step)) c.sendStream({ proc: 209, serial: header.serial, status: MessageStatus.VIR_NET_CONTINUE }, step);
        else c.sendRaw(holePacket(header.serial, 'raw' in step ? step.raw : holePayload(step.hole)));
      }
      c.sendStream({ proc: 209, serial: header.serial, status: MessageStatus.VIR_NET_CONTINUE }, Buffer.alloc(0));
    });
    return { ok: undefined };
  });
  daemon.onStream((h, _p, c) => {
    fromClient.push(h);
    c.sendStream({ proc: 209, serial: h.serial, status: MessageStatus.VIR_NET_OK }, Buffer.alloc(0));
  });
  const stream = await client.openStream(DOWNLOAD, args, { sparse: args.flags === 1 });
  return { stream, fromClient };
}

async function collect(chunks: AsyncIterable<SparseChunk>): Promise<(number | string)[]> {
  const out: (number | string)[] = [];
  for await (const c of chunks) out.push(Buffer.isBuffer(c) ? c.toString() : c.hole);
  return out;
}

describe('sparse streams: receiving holes', () => {
  it('delivers holes between data as { hole } chunks and completes the finish handshake', async () => {
    const { stream, fromClient } = await sparseDownload([Buffer.from('ab'), { hole: 4096n }, Buffer.from('cd')]);
    expect(await collect(stream.sparseChunks())).toEqual(['ab', 4096, 'cd']);
    expect(stream.bytesReceived).toBe(4);
    expect(stream.holeBytesReceived).toBe(4096);
    expect(stream.closed).toBe(true);
    expect(fromClient.map((h) => h.status)).toEqual([MessageStatus.VIR_NET_OK]);
  });

  it('delivers a hole at the start and at the end', async () => {
    const { stream } = await sparseDownload([{ hole: 1n }, Buffer.from('x'), { hole: 60n * 1024n * 1024n }]);
    expect(await collect(stream.sparseChunks())).toEqual([1, 'x', 60 * 1024 * 1024]);
  });

  it('reads holes as zeros through the plain byte API (in pieces of at most 1 MiB)', async () => {
    const { stream } = await sparseDownload([Buffer.from([1]), { hole: 3n * 1024n * 1024n + 5n }, Buffer.from([2])]);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.every((c) => c.length <= 1024 * 1024)).toBe(true);
    const all = Buffer.concat(chunks);
    expect(all.length).toBe(3 * 1024 * 1024 + 7);
    expect(all[0]).toBe(1);
    expect(all[all.length - 1]).toBe(2);
    expect(all.subarray(1, -1).every((b) => b === 0)).toBe(true);
  });

  it('splits a hole longer than 2^52 bytes into safe-integer pieces', async () => {
    const length = 2n ** 53n + 3n;
    const { stream } = await sparseDownload([{ hole: length }]);
    const holes = (await collect(stream.sparseChunks())) as number[];
    expect(holes.every((h) => Number.isSafeInteger(h))).toBe(true);
    expect(holes.reduce((a, b) => BigInt(a) + BigInt(b), 0n)).toBe(length);
  });

  it('fails a stream that was not opened sparse on a hole, and tells the daemon to drop it', async () => {
    const { stream, fromClient } = await sparseDownload([{ hole: 10n }], plain);
    await expect(stream.read()).rejects.toBeInstanceOf(ProtocolError);
    await vi.waitFor(() => expect(fromClient[0]?.status).toBe(MessageStatus.VIR_NET_ERROR));
  });

  it.each([
    ['a short payload', Buffer.alloc(8)],
    ['a long payload', Buffer.alloc(16)],
    ['a zero length', holePayload(0n)],
    ['a negative length', holePayload(-5n)],
    ['non-zero flags', holePayload(10n, 1)],
  ])('fails the stream with a ProtocolError on a malformed hole: %s', async (_name, raw) => {
    const { stream, fromClient } = await sparseDownload([Buffer.from('ok'), { raw }]);
    const reading = (async () => {
      for await (const c of stream.sparseChunks()) void c;
    })();
    await expect(reading).rejects.toBeInstanceOf(ProtocolError);
    expect(stream.closed).toBe(true);
    await vi.waitFor(() => expect(fromClient[0]?.status).toBe(MessageStatus.VIR_NET_ERROR));
  });
});

describe('sparse streams: sending holes', () => {
  async function upload(args = sparse) {
    const pair = await fakePair();
    dispose = pair.dispose;
    const { daemon, client } = pair;
    const seen: { type: number; payload: Buffer }[] = [];
    daemon.handle(UPLOAD, () => ({ ok: undefined }));
    daemon.onStream((h, payload, c: FakeClient) => {
      if (h.status === MessageStatus.VIR_NET_CONTINUE) seen.push({ type: h.type, payload: Buffer.from(payload) });
      else c.sendStream({ proc: 208, serial: h.serial, status: MessageStatus.VIR_NET_OK }, Buffer.alloc(0));
    });
    const stream = await client.openStream(UPLOAD, args, { sparse: args.flags === 1 });
    return { stream, seen };
  }

  it('sends a STREAM_HOLE packet with the 12-byte virNetStreamHole payload', async () => {
    const { stream, seen } = await upload();
    await stream.write(Buffer.from('head'));
    await stream.writeHole(5 * 1024 * 1024);
    await stream.write(Buffer.from('tail'));
    await stream.finish();
    expect(seen.map((s) => s.type)).toEqual([MessageType.VIR_NET_STREAM, MessageType.VIR_NET_STREAM_HOLE, MessageType.VIR_NET_STREAM]);
    expect(seen[1]!.payload.equals(holePayload(5n * 1024n * 1024n))).toBe(true);
    expect(stream.bytesSent).toBe(8);
    expect(stream.holeBytesSent).toBe(5 * 1024 * 1024);
  });

  it('refuses a hole on a stream that is not sparse, and a length that is not a positive safe integer', async () => {
    const { stream, seen } = await upload(plain);
    await expect(stream.writeHole(10)).rejects.toBeInstanceOf(InvalidStateError);
    await stream.finish();
    expect(seen).toEqual([]);
    const second = await upload();
    for (const bad of [0, -1, 1.5, 2 ** 53]) await expect(second.stream.writeHole(bad)).rejects.toBeInstanceOf(InvalidArgumentError);
    await second.stream.finish();
    expect(second.seen).toEqual([]);
  });
});
