/**
 * A loopback TLS server for transport tests: it either forwards every
 * connection to a unix socket (a daemon behind TLS) or drops it once the
 * handshake is done.
 */
import { readFileSync } from 'node:fs';
import { type AddressInfo, type Socket, connect as netConnect } from 'node:net';
import { join } from 'node:path';
import { createServer } from 'node:tls';

/** A running {@link startTlsServer}. */
export interface TestTlsServer {
  /** The TCP port on 127.0.0.1. */
  port: number;
  /** Every socket of every connection (both sides of a forward), to cut links. */
  sockets: Set<Socket>;
  close(): Promise<void>;
}

/**
 * Listen on 127.0.0.1 with `server.key` / `server.pem` from `dir`.
 * @param forwardTo a unix socket path to forward to, or `null` to drop each connection
 */
export async function startTlsServer(dir: string, forwardTo: string | null): Promise<TestTlsServer> {
  const sockets = new Set<Socket>();
  const server = createServer({ key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) }, (s) => {
    if (forwardTo === null) {
      s.destroy();
      return;
    }
    // libvirtd's confirmation that it accepted the client (see awaitTlsConfirmation).
    s.write(Buffer.from([1]));
    const upstream = netConnect(forwardTo);
    sockets.add(s).add(upstream);
    s.on('error', () => upstream.destroy());
    upstream.on('error', () => s.destroy());
    s.pipe(upstream).pipe(s);
  });
  // Clients that refuse our certificate are the point of some tests.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
