import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { type Server, type TLSSocket, createServer } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TimeoutError, TransportError } from '../../../src/errors/index.js';
import { createDialer, parseLibvirtUri } from '../../../src/rpc/transport/index.js';
import { makeCa, makeLeaf } from '../../helpers/certs.js';

/**
 * A loopback TLS echo server with a certificate from a CA made here with the
 * openssl CLI. It requires a client certificate signed by the same CA, like a
 * libvirtd with tls_no_verify_certificate = 0.
 */
let dir: string;
let server: Server;
let port: number;
/** The common name of the certificate each client presented to the echo server, in connection order. */
const clientNames: string[] = [];

/** A libvirt-style pkipath directory: cacert.pem, clientcert.pem, clientkey.pem. */
function pkiDir(name: string, ca: string): string {
  const d = join(dir, name);
  mkdirSync(d);
  copyFileSync(join(dir, `${ca}.pem`), join(d, 'cacert.pem'));
  copyFileSync(join(dir, 'client.pem'), join(d, 'clientcert.pem'));
  copyFileSync(join(dir, 'client.key'), join(d, 'clientkey.pem'));
  return d;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lvm-tls-it-'));
  makeCa(dir, 'ca');
  makeCa(dir, 'otherca');
  makeLeaf(dir, 'server', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  makeLeaf(dir, 'client', 'ca', 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
  pkiDir('good', 'ca');
  pkiDir('wrong', 'otherca');
  server = createServer(
    {
      key: readFileSync(join(dir, 'server.key')),
      cert: readFileSync(join(dir, 'server.pem')),
      ca: readFileSync(join(dir, 'ca.pem')),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (socket) => {
      socket.on('error', () => {});
      clientNames.push(String(socket.getPeerCertificate().subject?.CN));
      // As libvirtd does once it has checked the client: one byte, 1, then the RPC stream.
      socket.write(Buffer.from([1]));
      socket.pipe(socket);
    },
  );
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function echo(stream: Duplex): Promise<string> {
  stream.resume(); // the dialer hands the socket over paused, as the RPC client expects
  stream.write('hello over tls');
  const [chunk] = (await once(stream, 'data')) as [Buffer];
  return chunk.toString();
}

describe('tls transport', () => {
  it('connects with the CA and client certificate from ?pkipath=, verifying the server', async () => {
    const uri = parseLibvirtUri(`qemu+tls://127.0.0.1:${port}/system?pkipath=${join(dir, 'good')}`);
    const stream = (await createDialer(uri)({ timeout: 5000 })) as TLSSocket;
    try {
      expect(stream.authorized).toBe(true);
      expect(await echo(stream)).toBe('hello over tls');
    } finally {
      stream.destroy();
    }
  });

  it('verification is on by default: a server signed by another CA is refused', async () => {
    const uri = parseLibvirtUri(`qemu+tls://127.0.0.1:${port}/system?pkipath=${join(dir, 'wrong')}`);
    const err = await createDialer(uri)({ timeout: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toContain('was rejected');
    expect((err as Error).message).not.toContain('BEGIN');
    expect(((err as Error).cause as NodeJS.ErrnoException).code).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|ISSUER/);
  });

  it('the host name is checked against the certificate', async () => {
    const uri = parseLibvirtUri(`qemu+tls://127.0.0.1:${port}/system?pkipath=${join(dir, 'good')}`);
    const err = await createDialer(uri, { tls: { servername: 'not-this-host.example' } })({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(((err as Error).cause as NodeJS.ErrnoException).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('no_verify=1 turns verification off', async () => {
    const uri = parseLibvirtUri(`qemu+tls://127.0.0.1:${port}/system?no_verify=1&pkipath=${join(dir, 'wrong')}`);
    const stream = (await createDialer(uri)({ timeout: 5000 })) as TLSSocket;
    try {
      expect(stream.authorized).toBe(false);
      expect(await echo(stream)).toBe('hello over tls');
    } finally {
      stream.destroy();
    }
  });

  it('so does tls.rejectUnauthorized = false, given explicitly', async () => {
    // The same server, and a CA that did not sign it: reached only because verification is off.
    const uri = parseLibvirtUri(`qemu+tls://127.0.0.1:${port}/system?pkipath=${join(dir, 'wrong')}`);
    const stream = (await createDialer(uri, { tls: { rejectUnauthorized: false } })({ timeout: 5000 })) as TLSSocket;
    try {
      expect(stream.authorized).toBe(false);
      expect(String(stream.authorizationError)).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|ISSUER/);
      expect(await echo(stream)).toBe('hello over tls');
    } finally {
      stream.destroy();
    }
  });

  it('credentials can be given in code instead of files', async () => {
    const uri = parseLibvirtUri(`qemu+tls://localhost:${port}/system?pkipath=/nonexistent`);
    const stream = (await createDialer(uri, {
      tls: {
        ca: readFileSync(join(dir, 'ca.pem')),
        cert: readFileSync(join(dir, 'client.pem')),
        key: readFileSync(join(dir, 'client.key')),
      },
    })({ timeout: 5000 })) as TLSSocket;
    try {
      // The server was verified against the CA given in code (no file could have supplied one)…
      expect(stream.authorized).toBe(true);
      expect(stream.getPeerCertificate().issuer.CN).toBe('ca');
      // …and the server saw the client certificate given in code.
      expect(clientNames.at(-1)).toBe('client');
      expect(await echo(stream)).toBe('hello over tls');
    } finally {
      stream.destroy();
    }
    // A CA given in code that did not sign the server is enforced like one from a file: refused.
    const refused = await createDialer(uri, {
      tls: {
        ca: readFileSync(join(dir, 'otherca.pem')),
        cert: readFileSync(join(dir, 'client.pem')),
        key: readFileSync(join(dir, 'client.key')),
      },
    })({ timeout: 5000 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TransportError);
    expect((refused as Error).message).toContain('was rejected');
  });
});

describe("libvirtd's confirmation byte after the TLS handshake", () => {
  /** A TLS server (the same certificates) that does `onSecure` with each connection. */
  async function serverThat(onSecure: (socket: TLSSocket) => void): Promise<{ port: number; close: () => Promise<void> }> {
    const s = createServer({ key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) }, (socket) => {
      socket.on('error', () => {});
      onSecure(socket);
    });
    s.on('tlsClientError', () => {});
    s.listen(0, '127.0.0.1');
    await once(s, 'listening');
    return { port: (s.address() as AddressInfo).port, close: () => new Promise((r) => s.close(() => r())) };
  }
  const dialTo = (p: number): Promise<Duplex> =>
    createDialer(parseLibvirtUri(`qemu+tls://127.0.0.1:${p}/system?pkipath=${join(dir, 'good')}`))({ timeout: 5000 });

  it('is consumed: the RPC stream starts with what follows it, even in the same TLS record', async () => {
    const s = await serverThat((socket) => socket.write(Buffer.from([1, 0x41, 0x42])));
    try {
      const stream = await dialTo(s.port);
      stream.resume();
      const [chunk] = (await once(stream, 'data')) as [Buffer];
      expect(chunk.toString()).toBe('AB');
      stream.destroy();
    } finally {
      await s.close();
    }
  });

  it('any other byte: the daemon refused us, a TransportError that says why', async () => {
    const s = await serverThat((socket) => socket.end(Buffer.from([0])));
    try {
      const error = await dialTo(s.port).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransportError);
      expect((error as Error).message).toMatch(/server verification of our certificate or IP address failed/);
    } finally {
      await s.close();
    }
  });

  it('a close without it: the daemon refused our client certificate', async () => {
    const s = await serverThat((socket) => socket.end());
    try {
      const error = await dialTo(s.port).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransportError);
      expect((error as Error).message).toMatch(/without confirming it/);
    } finally {
      await s.close();
    }
  });

  it('silence: the dial deadline applies', async () => {
    const s = await serverThat(() => undefined);
    try {
      const error = await createDialer(parseLibvirtUri(`qemu+tls://127.0.0.1:${s.port}/system?pkipath=${join(dir, 'good')}`))({
        timeout: 300,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
    } finally {
      await s.close();
    }
  });
});
