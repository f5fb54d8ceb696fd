import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dialTcp, dialUnix } from '../../../src/rpc/transport/index.js';

// The dialers read into one shared buffer (src/rpc/transport/dial-util.ts `copiedReads`): what a socket hands out
// must be its own copy, untouched by later reads on the same or another socket, and the socket must still pause,
// resume and end like a Readable.

const servers: Server[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A server that sends each client `chunks`, one per `go` message received, then ends. */
async function serve(listenOn: string | 0, chunks: Buffer[]): Promise<Server> {
  const server = createServer((peer: Socket) => {
    let next = 0;
    peer.on('data', () => {
      const chunk = chunks[next++];
      if (chunk === undefined) peer.end();
      else peer.write(chunk);
    });
  });
  servers.push(server);
  if (listenOn === 0) server.listen(0, '127.0.0.1');
  else server.listen(listenOn);
  await once(server, 'listening');
  return server;
}

async function nextData(socket: Socket): Promise<Buffer> {
  socket.write('go');
  const [chunk] = (await once(socket, 'data')) as [Buffer];
  return chunk;
}

describe('sockets of the built-in dialers', () => {
  it('hand out exact-size copies that later reads (here and on another socket) do not change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lvm-copied-reads-'));
    dirs.push(dir);
    const path = join(dir, 'sock');
    await serve(path, [Buffer.from('first reply'), Buffer.from('SECOND')]);
    const tcp = await serve(0, [Buffer.from('other socket, longer than the first reply')]);
    const a = await dialUnix(path);
    const b = await dialTcp('127.0.0.1', (tcp.address() as AddressInfo).port);
    try {
      const first = await nextData(a);
      expect(first.length).toBe('first reply'.length);
      expect((await nextData(b)).toString()).toBe('other socket, longer than the first reply');
      expect((await nextData(a)).toString()).toBe('SECOND');
      expect(first.toString()).toBe('first reply');
    } finally {
      a.destroy();
      b.destroy();
    }
  });

  it('still pause (nothing is delivered), resume and end', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lvm-copied-reads-'));
    dirs.push(dir);
    const path = join(dir, 'sock');
    await serve(path, [Buffer.from('held back')]);
    const socket = await dialUnix(path);
    try {
      const seen: string[] = [];
      socket.on('data', (chunk: Buffer) => seen.push(chunk.toString()));
      socket.pause();
      socket.write('go');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen).toEqual([]);
      const ended = once(socket, 'end');
      socket.resume();
      socket.write('go'); // the server has nothing more: it ends
      await ended;
      expect(seen).toEqual(['held back']);
    } finally {
      socket.destroy();
    }
  });
});
