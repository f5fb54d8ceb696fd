import { once } from 'node:events';
import { type AddressInfo, type Server, type Socket, connect, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialer, parseLibvirtUri } from '../../../src/rpc/transport/index.js';
import { AUTH_LIST_REPLY, authListRoundTrip } from './helpers.js';

/** `true` when something accepts TCP connections at host:port. */
async function listening(host: string, port: number): Promise<boolean> {
  const socket = connect({ host, port });
  try {
    await Promise.race([once(socket, 'connect'), new Promise((_, reject) => setTimeout(() => reject(new Error('slow')), 2000))]);
    return true;
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

describe('tcp transport against the real libvirtd', () => {
  // Prefer the real listener set up by scripts/setup-libvirt.sh (listen_tcp, auth none,
  // loopback only). Without it, relay a loopback port to the unix socket so the
  // transport is still exercised end to end against the daemon.
  let port = 16509;
  let relay: Server | undefined;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    if (await listening('127.0.0.1', 16509)) return;
    relay = createServer((client) => {
      const daemon = connect({ path: '/run/libvirt/libvirt-sock' });
      for (const s of [client, daemon]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(daemon).pipe(client);
    });
    relay.listen(0, '127.0.0.1');
    await once(relay, 'listening');
    port = (relay.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    if (relay !== undefined) await new Promise((r) => relay?.close(r));
  });

  it.each(['qemu+tcp://127.0.0.1:PORT/system', 'test+tcp://127.0.0.1:PORT/default'])('%s reaches the daemon', async (text) => {
    const uri = parseLibvirtUri(text.replace('PORT', String(port)));
    expect(uri).toMatchObject({ transport: 'tcp', host: '127.0.0.1', port });
    const stream = await createDialer(uri)({ timeout: 5000 });
    try {
      expect(await authListRoundTrip(stream)).toMatchObject(AUTH_LIST_REPLY);
    } finally {
      stream.destroy();
    }
  });

  it('uses 16509 when the URI has no port', () => {
    expect(parseLibvirtUri('qemu+tcp://127.0.0.1/system').port).toBe(16509);
  });
});
