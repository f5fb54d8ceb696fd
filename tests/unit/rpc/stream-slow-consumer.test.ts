import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionClosedError } from '../../../src/errors/index.js';
import { MessageStatus } from '../../../src/rpc/protocol/constants.js';
import { DOWNLOAD, LIB_VERSION, UPLOAD, fakePair, vol } from '../../helpers/fake.js';

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});

describe('a stream consumer that falls behind', () => {
  it('pauses the socket without the keepalive declaring the daemon dead', async () => {
    const pair = await fakePair();
    dispose = pair.dispose;
    const { daemon, client } = pair;
    daemon.handle(LIB_VERSION, () => ({ ok: { lib_ver: 9_000_000n } }));
    const chunk = Buffer.alloc(262_120, 1);
    const chunks = 40; // ~10 MiB: well past the 1 MiB high-water mark below
    daemon.handle(DOWNLOAD, (_a, { header, client: c }) => {
      setImmediate(() => {
        for (let i = 0; i < chunks; i++) c.sendStream({ proc: 209, serial: header.serial, status: MessageStatus.VIR_NET_CONTINUE }, chunk);
        c.sendStream({ proc: 209, serial: header.serial, status: MessageStatus.VIR_NET_CONTINUE }, Buffer.alloc(0));
      });
      return { ok: undefined };
    });
    daemon.onStream((h, _payload, c) => {
      if (h.status === MessageStatus.VIR_NET_OK)
        c.sendStream({ proc: 209, serial: h.serial, status: MessageStatus.VIR_NET_OK }, Buffer.alloc(0));
    });
    const stream = await client.openStream(DOWNLOAD, { vol, offset: 0n, length: 0n, flags: 0 }, { highWaterMark: 1024 * 1024 });
    // The daemon answers pings; only our own paused socket keeps its PONGs from us.
    client.startKeepalive({ interval: 50, count: 3 });
    // The consumer is busy for many keepalive windows (150 ms each) before it reads.
    const pingsBefore = daemon.clients[0]!.keepalive.pings;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(client.closed).toBe(false);
    // Still pinging: libvirtd's own keepalive takes any packet from us as proof of life, and we read none of its PINGs.
    expect(daemon.clients[0]!.keepalive.pings).toBeGreaterThan(pingsBefore);
    let received = 0;
    for await (const data of stream) received += data.length;
    expect(received).toBe(chunks * chunk.length);
    await expect(client.call(LIB_VERSION, undefined)).resolves.toEqual({ lib_ver: 9_000_000n });
  });

  it('still ends a consumer that waits for a reply held behind its own paused stream (an error, not a hang)', async () => {
    const pair = await fakePair();
    dispose = pair.dispose;
    const { daemon, client } = pair;
    daemon.handle(LIB_VERSION, () => ({ ok: { lib_ver: 9_000_000n } }));
    const chunk = Buffer.alloc(262_120, 1);
    daemon.handle(DOWNLOAD, (_a, { header, client: c }) => {
      setImmediate(() => {
        for (let i = 0; i < 40; i++) c.sendStream({ proc: 209, serial: header.serial, status: MessageStatus.VIR_NET_CONTINUE }, chunk);
      });
      return { ok: undefined };
    });
    const stream = await client.openStream(DOWNLOAD, { vol, offset: 0n, length: 0n, flags: 0 }, { highWaterMark: 1024 * 1024 });
    client.startKeepalive({ interval: 50, count: 3 });
    await expect.poll(() => stream.bytesReceived).toBeGreaterThan(1024 * 1024);
    // The consumer makes a call before reading on: its reply queues behind the stream data nobody reads.
    const error = await client.call(LIB_VERSION, undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as ConnectionClosedError).reason).toBe('keepalive');
  });

  it("still ends a finish whose confirmation is held behind another stream's unread data (an error, not a hang)", async () => {
    const pair = await fakePair();
    dispose = pair.dispose;
    const { daemon, client } = pair;
    const chunk = Buffer.alloc(262_120, 1);
    daemon.handle(DOWNLOAD, (_a, { header, client: c }) => {
      setImmediate(() => {
        for (let i = 0; i < 40; i++) c.sendStream({ proc: 209, serial: header.serial, status: MessageStatus.VIR_NET_CONTINUE }, chunk);
      });
      return { ok: undefined };
    });
    daemon.handle(UPLOAD, () => ({ ok: undefined }));
    daemon.onStream((h, _payload, c) => {
      if (h.proc === 208 && h.status === MessageStatus.VIR_NET_OK)
        c.sendStream({ proc: 208, serial: h.serial, status: MessageStatus.VIR_NET_OK }, Buffer.alloc(0));
    });
    const upload = await client.openStream(UPLOAD, { vol, offset: 0n, length: 0n, flags: 0 });
    const download = await client.openStream(DOWNLOAD, { vol, offset: 0n, length: 0n, flags: 0 }, { highWaterMark: 1024 * 1024 });
    client.startKeepalive({ interval: 50, count: 3 });
    await expect.poll(() => download.bytesReceived).toBeGreaterThan(1024 * 1024);
    // The upload's confirmation queues behind the download's data, which nobody reads.
    const error = await upload.finish().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as ConnectionClosedError).reason).toBe('keepalive');
  });
});
