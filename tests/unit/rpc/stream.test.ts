import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionClosedError, LibvirtError, ProtocolError } from '../../../src/errors/index.js';
import { MessageStatus } from '../../../src/rpc/protocol/constants.js';
import { encodePacket } from '../../../src/rpc/protocol/packet.js';
import { remoteError } from '../../../src/rpc/protocol/remote-error.js';
import { DOWNLOAD, UPLOAD, fakePair, vol } from '../../helpers/fake.js';

let dispose: (() => Promise<void>) | undefined;
afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});

const args = { vol, offset: 0n, length: 0n, flags: 0 };

function errorPayload(code: number, message: string): Buffer {
  // Encode a remote_error with our own codec and strip the 28-byte frame.
  return encodePacket(
    { prog: 0, vers: 1, proc: 0, type: 3, serial: 0, status: 1 },
    remoteError,
    { code, domain: 18, message, level: 2, dom: null, str1: null, str2: null, str3: null, int1: 0, int2: 0, net: null },
    'e',
  ).subarray(28);
}

describe('RpcStream', () => {
  it('downloads data, treats an empty CONTINUE as end of data, and completes the finish handshake', async () => {
    const pair = await fakePair();
    dispose = pair.dispose;
    const { daemon, client } = pair;
    const sent = [Buffer.alloc(100_000, 1), Buffer.alloc(262_120, 2), Buffer.from('tail')];
    const seenFromClient: number[] = [];
    daemon.handle(DOWNLOAD, (_a, { header, client: c }) => {
      // Data follows the reply immediately, in the same tick.
      setImmediate(() => {
        for (const chunk of sent) c.sendStream({ proc: 209, serial: header.serial, status: MessageStatus.VIR_NET_CONTINUE }, chunk);
        c.sendStream({ proc: 209, serial: header.serial, status: MessageStatus.VIR_NET_CONTINUE }, Buffer.alloc(0));
      });
      return { ok: undefined };
    });
    daemon.onStream((h, _payload, c) => {
      seenFromClient.push(h.status);
      if (h.status === MessageStatus.VIR_NET_OK)
        c.sendStream({ proc: 209, serial: h.serial, status: MessageStatus.VIR_NET_OK }, Buffer.alloc(0));
    });
    const stream = await client.openStream(DOWNLOAD, args);
    const received: Buffer[] = [];
    for await (const chunk of stream) received.push(chunk);
    expect(Buffer.concat(received).equals(Buffer.concat(sent))).toBe(true);
    expect(stream.closed).toBe(true);
    expect(seenFromClient).toEqual([MessageStatus.VIR_NET_OK]);
  });

  it('uploads in libvirt-sized chunks and waits for the daemon to confirm the finish', async () => {
    const pair = await fakePair();
    dispose = pair.dispose;
    const { daemon, client } = pair;
    daemon.handle(UPLOAD, () => ({ ok: undefined }));
    const chunks: Buffer[] = [];
    daemon.onStream((h, payload, c) => {
      if (h.status === MessageStatus.VIR_NET_CONTINUE) chunks.push(Buffer.from(payload));
      else if (h.status === MessageStatus.VIR_NET_OK)
        c.sendStream({ proc: 208, serial: h.serial, status: MessageStatus.VIR_NET_OK }, Buffer.alloc(0));
    });
    const stream = await client.openStream(UPLOAD, args);
    const data = Buffer.alloc(1_000_000, 7);
    await stream.write(data);
    await stream.finish();
    expect(chunks.every((c) => c.length <= 262_120)).toBe(true);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    expect(stream.bytesSent).toBe(data.length);
  });

  it('surfaces a daemon-side stream error on finish', async () => {
    const pair = await fakePair();
    dispose = pair.dispose;
    const { daemon, client } = pair;
    daemon.handle(UPLOAD, () => ({ ok: undefined }));
    daemon.onStream((h, _p, c) => {
      if (h.status === MessageStatus.VIR_NET_CONTINUE) {
        c.sendStream({ proc: 208, serial: h.serial, status: MessageStatus.VIR_NET_ERROR }, errorPayload(38, 'No space left on device'));
      }
    });
    const stream = await client.openStream(UPLOAD, args);
    await stream.write(Buffer.from('x'));
    const error = await stream.finish().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibvirtError);
    expect((error as LibvirtError).codeName).toBe('VIR_ERR_SYSTEM_ERROR');
    await expect(stream.write(Buffer.from('y'))).rejects.toBeInstanceOf(LibvirtError);
  });

  it('aborts when the reader leaves early', async () => {
    const pair = await fakePair();
    dispose = pair.dispose;
    const { daemon, client } = pair;
    const statuses: number[] = [];
    daemon.handle(DOWNLOAD, (_a, { header, client: c }) => {
      setImmediate(() => c.sendStream({ proc: 209, serial: header.serial, status: MessageStatus.VIR_NET_CONTINUE }, Buffer.from('abc')));
      return { ok: undefined };
    });
    daemon.onStream((h, _p, c) => {
      statuses.push(h.status);
      c.sendStream({ proc: 209, serial: h.serial, status: MessageStatus.VIR_NET_OK }, Buffer.alloc(0));
    });
    const stream = await client.openStream(DOWNLOAD, args);
    for await (const chunk of stream) {
      expect(chunk.toString()).toBe('abc');
      break;
    }
    expect(statuses).toEqual([MessageStatus.VIR_NET_ERROR]);
    expect(stream.closed).toBe(true);
  });

  it('fails a stream that receives an unrequested hole', async () => {
    const pair = await fakePair();
    dispose = pair.dispose;
    const { daemon, client } = pair;
    daemon.handle(DOWNLOAD, (_a, { header, client: c }) => {
      setImmediate(() => {
        const hole = Buffer.alloc(28 + 12);
        hole.writeUInt32BE(hole.length, 0);
        hole.writeUInt32BE(0x20008086, 4);
        hole.writeUInt32BE(1, 8);
        hole.writeUInt32BE(209, 12);
        hole.writeUInt32BE(6, 16); // VIR_NET_STREAM_HOLE
        hole.writeUInt32BE(header.serial, 20);
        hole.writeUInt32BE(2, 24);
        c.sendRaw(hole);
      });
      return { ok: undefined };
    });
    daemon.onStream(() => undefined);
    const stream = await client.openStream(DOWNLOAD, args);
    await expect(stream.read()).rejects.toBeInstanceOf(ProtocolError);
  });

  it('fails open streams when the connection drops', async () => {
    const pair = await fakePair();
    dispose = pair.dispose;
    const { daemon, client } = pair;
    daemon.handle(DOWNLOAD, () => ({ ok: undefined }));
    const stream = await client.openStream(DOWNLOAD, args);
    const reading = stream.read();
    daemon.dropClients();
    await expect(reading).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it('applies back-pressure: pauses the socket while the consumer is behind, without losing data', async () => {
    const pair = await fakePair();
    dispose = pair.dispose;
    const { daemon, client } = pair;
    const total = 40;
    daemon.handle(DOWNLOAD, (_a, { header, client: c }) => {
      setImmediate(() => {
        for (let i = 0; i < total; i++) c.sendStream({ proc: 209, serial: header.serial, status: 2 }, Buffer.alloc(100_000, i));
        c.sendStream({ proc: 209, serial: header.serial, status: 2 }, Buffer.alloc(0));
      });
      return { ok: undefined };
    });
    daemon.onStream((h, _p, c) => c.sendStream({ proc: 209, serial: h.serial, status: 0 }, Buffer.alloc(0)));
    const stream = await client.openStream(DOWNLOAD, { ...args }, { highWaterMark: 256 * 1024 });
    let bytes = 0;
    for await (const chunk of stream) {
      bytes += chunk.length;
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(bytes).toBe(total * 100_000);
  });
});
