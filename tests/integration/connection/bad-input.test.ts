import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConnectionClosedError,
  InvalidArgumentError,
  InvalidUriError,
  LibvirtConnection,
  TimeoutError,
  TransportError,
} from '../../../src/connection/internal.js';

const dir = mkdtempSync(join(tmpdir(), 'lvm-bad-'));
const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

/** A unix server that runs `onSocket` for each client (sockets flow, so a client's close is seen). */
async function server(name: string, onSocket: (socket: Socket) => void): Promise<string> {
  const path = join(dir, name);
  const s = createServer((socket) => {
    socket.on('error', () => undefined);
    onSocket(socket);
    socket.resume();
  });
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(path, resolve));
  return path;
}

describe('bad input to LibvirtConnection', () => {
  it.each([
    ['an empty string', ''],
    ['plain words', 'not a uri'],
    ['an unknown transport', 'qemu+carrier-pigeon:///system'],
    ['a unix transport with a host', 'qemu+unix://somehost/system'],
    ['a URI over 64 KiB', `qemu:///system?x=${'x'.repeat(70_000)}`],
  ])('%s is refused before dialing', async (_label, uri) => {
    await expect(LibvirtConnection.connect(uri)).rejects.toBeInstanceOf(InvalidUriError);
  });

  it('refuses bad options before dialing', async () => {
    await expect(LibvirtConnection.connect('test+unix:///default', { reconnect: { factor: 0.5 } })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(LibvirtConnection.connect('test+unix:///default', { keepalive: { interval: -1 } })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(LibvirtConnection.connect('test+unix:///default', { defaultTimeout: Number.NaN })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });

  it('names the missing socket', async () => {
    const error = await LibvirtConnection.connect(`test+unix:///default?socket=${join(dir, 'nope')}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
  });

  it('reports missing TLS files as a TransportError naming the file', async () => {
    const error = await LibvirtConnection.connect(`qemu+tls://127.0.0.1:1/system?pkipath=${join(dir, 'pki')}`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(String((error as Error).message)).toContain(join(dir, 'pki'));
  });

  it('times out against a daemon that accepts and never answers', async () => {
    const closed: boolean[] = [];
    const path = await server('silent.sock', (s) => {
      const i = closed.push(false) - 1;
      s.on('close', () => (closed[i] = true));
    });
    const error = await LibvirtConnection.connect(`test+unix:///default?socket=${path}`, { connectTimeout: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    // The SDK closed its side: the server sees the socket end.
    await expect.poll(() => closed.length === 1 && closed.every(Boolean)).toBe(true);
  });

  it('fails cleanly when the daemon closes mid-handshake', async () => {
    const path = await server('rude.sock', (s) => s.once('data', () => s.destroy()));
    const error = await LibvirtConnection.connect(`test+unix:///default?socket=${path}`, { connectTimeout: 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionClosedError);
  });

  it('leaves no sockets or timers behind after failed opens', async () => {
    const path = await server('silent2.sock', () => undefined);
    const before = process.getActiveResourcesInfo();
    for (let i = 0; i < 5; i++) {
      await LibvirtConnection.connect(`test+unix:///default?socket=${path}`, { connectTimeout: 100 }).catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 50));
    const after = process.getActiveResourcesInfo();
    // Both ends of every failed attempt are gone: no more socket handles than before.
    const pipes = (list: string[]): number => list.filter((r) => r === 'PipeWrap').length;
    expect(pipes(after)).toBeLessThanOrEqual(pipes(before));
  });
});
