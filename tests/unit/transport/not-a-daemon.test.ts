/**
 * A URI pointing at a port where something else answers (here a plain TCP
 * server that replies like an HTTP server): the connect fails with a
 * ConnectionClosedError whose ProtocolError cause says the peer sent text, not with a bare packet length.
 */
import { type AddressInfo, type Server, createServer } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { LibvirtConnection } from '../../../src/connection/internal.js';
import { ConnectionClosedError, ProtocolError } from '../../../src/errors/index.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

it('an HTTP server on the port: ProtocolError naming the text the peer sent', async () => {
  server = createServer((socket) => {
    // Like an HTTP server handed libvirt's binary first call.
    socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const error = await LibvirtConnection.connect(`test+tcp://127.0.0.1:${port}/default`, { connectTimeout: 10_000, reconnect: false }).then(
    () => new Error('connected to an HTTP server'),
    (e: unknown) => e,
  );
  // The link is closed for a protocol violation; the message and its cause both carry the framer's words.
  expect(error, String(error)).toBeInstanceOf(ConnectionClosedError);
  expect((error as Error).cause).toBeInstanceOf(ProtocolError);
  expect((error as Error).message).toContain(
    'packet length 1213486160 exceeds the maximum of 33554436: the peer sent text ("HTTP"), so it is probably not a libvirt daemon',
  );
});
