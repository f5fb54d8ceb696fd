import { getEventListeners, once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, InvalidArgumentError, InvalidUriError, TimeoutError, TransportError } from '../../../src/errors/index.js';
import { ChildProcessDuplex, type Dialer, createDialer, parseLibvirtUri } from '../../../src/rpc/transport/index.js';

const ROOT = { uid: 0, existsSync: () => false };
const uri = (text: string) => parseLibvirtUri(text, ROOT);

async function listen(server: Server, where: string | number): Promise<void> {
  if (typeof where === 'number') server.listen(where, '127.0.0.1');
  else server.listen(where);
  await once(server, 'listening');
}

function echo(socket: Socket): void {
  socket.pipe(socket);
}

async function roundTrip(stream: Duplex, text: string): Promise<string> {
  stream.write(text);
  const [chunk] = (await once(stream, 'data')) as [Buffer];
  return chunk.toString();
}

let dir: string;
const servers: Server[] = [];
/** A server that accepts TCP but never answers: a TLS handshake against it hangs. */
let silentPort: number;
const silentSockets = new Set<Socket>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lvm-dial-'));
  const silent = createServer((s) => {
    s.resume(); // read, so the client's FIN is seen and the socket closes
    silentSockets.add(s);
    s.on('close', () => silentSockets.delete(s));
  });
  await listen(silent, 0);
  silentPort = (silent.address() as AddressInfo).port;
  servers.push(silent);
});
afterAll(async () => {
  for (const s of silentSockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

describe('unix', () => {
  it('connects to the socket the URI names', async () => {
    const path = join(dir, 'echo.sock');
    const server = createServer(echo);
    servers.push(server);
    await listen(server, path);
    const stream = await createDialer(uri(`qemu+unix:///system?socket=${path}`))({});
    expect(await roundTrip(stream, 'ping')).toBe('ping');
    stream.destroy();
  });

  it('a missing socket says to start libvirtd, with the OS error as cause', async () => {
    const path = join(dir, 'nothing.sock');
    const err = await createDialer(uri(`qemu:///system?socket=${path}`))({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toContain('is libvirtd running?');
    expect((err as Error).message).toContain('apt-get install libvirt-daemon-system');
    expect(((err as Error).cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('the read-only option picks the -ro socket', async () => {
    // a driver with no daemon anywhere, so the dial fails and names the socket it tried
    const err = await createDialer(uri('nosuch:///system?mode=direct'), { readonly: true })({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toContain('/run/libvirt/virtnosuchd-sock-ro');
  });
});

describe('tcp', () => {
  it('connects and a refused port says what to enable', async () => {
    const server = createServer(echo);
    servers.push(server);
    await listen(server, 0);
    const port = (server.address() as AddressInfo).port;
    const stream = await createDialer(uri(`qemu+tcp://127.0.0.1:${port}/system`))({});
    expect(await roundTrip(stream, 'hello')).toBe('hello');
    stream.destroy();

    const closed = createServer();
    await listen(closed, 0);
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await createDialer(uri(`qemu+tcp://127.0.0.1:${freePort}/system`))({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toMatch(/connection refused by 127\.0\.0\.1:\d+: .*listen_tcp = 1/);
    expect(((err as Error).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });
});

describe('deadline and cancellation', () => {
  const hanging = (): Dialer => createDialer(uri(`qemu+tls://127.0.0.1:${silentPort}/system?no_verify=1`));

  it('times out, destroys the half-open socket and leaves no listener behind', async () => {
    const before = silentSockets.size;
    const signal = new AbortController().signal;
    const err = await hanging()({ timeout: 150, signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).timeout).toBe(150);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    await expect.poll(() => silentSockets.size).toBe(before);
  });

  it('an abort during the handshake rejects with AbortError and closes the socket', async () => {
    const controller = new AbortController();
    const before = silentSockets.size;
    const pending = hanging()({ signal: controller.signal });
    await expect.poll(() => silentSockets.size).toBe(before + 1);
    controller.abort(new Error('user gave up'));
    const err = await pending.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(((err as Error).cause as Error).message).toBe('user gave up');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await expect.poll(() => silentSockets.size).toBe(before);
  });

  it('an already aborted signal never opens a connection', async () => {
    const before = silentSockets.size;
    const err = await hanging()({ signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    await new Promise((r) => setTimeout(r, 50));
    expect(silentSockets.size).toBe(before);
  });

  it('a nonsensical timeout is an InvalidArgumentError', async () => {
    await expect(hanging()({ timeout: -1 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(hanging()({ timeout: Number.NaN })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('caller-supplied transport', () => {
  it('connect overrides the URI entirely', () => {
    const connect: Dialer = () => Promise.reject(new Error('unused'));
    expect(createDialer(uri('qemu+ext:///system?command=/x'), { connect })).toBe(connect);
  });
});

describe('ext transport and child processes', () => {
  const script = (name: string, body: string): string => {
    const file = join(dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };

  it('refuses ?command= unless allowCommand is set', () => {
    expect(() => createDialer(uri('qemu+ext:///system?command=/bin/cat'))).toThrow(InvalidUriError);
  });

  it('speaks through the program stdin/stdout', async () => {
    const stream = await createDialer(uri('qemu+ext:///system?command=/bin/cat'), { allowCommand: true })({});
    expect(stream).toBeInstanceOf(ChildProcessDuplex);
    expect(await roundTrip(stream, 'through cat')).toBe('through cat');
    stream.end();
    await once(stream, 'close');
  });

  it('a failing program becomes a TransportError with its stderr', async () => {
    const bad = script('bad.sh', 'echo "Permission denied (publickey)." >&2; exit 3');
    const stream = await createDialer(uri(`qemu+ext:///system?command=${bad}`), { allowCommand: true })({});
    stream.resume();
    const [err] = (await once(stream, 'error')) as [Error];
    expect(err).toBeInstanceOf(TransportError);
    expect(err.message).toContain('exited with status 3');
    expect(err.message).toContain('Permission denied (publickey).');
  });

  it('keeps only the last 4 KiB of stderr, without control characters', async () => {
    const noisy = script('noisy.sh', 'i=0; while [ $i -lt 2000 ]; do printf "line %s\\033[31m\\n" $i >&2; i=$((i+1)); done; exit 1');
    const stream = await createDialer(uri(`qemu+ext:///system?command=${noisy}`), { allowCommand: true })({});
    stream.resume();
    const [err] = (await once(stream, 'error')) as [Error];
    expect(err.message.length).toBeLessThan(4096 + 200);
    expect(err.message).toContain('line 1999');
    expect(err.message).not.toContain('line 0?');
    expect(err.message).not.toContain('\u001b');
  });

  it('destroying the stream kills the program', async () => {
    const stream = (await createDialer(uri('qemu+ext:///system?command=/bin/cat'), { allowCommand: true })({})) as ChildProcessDuplex;
    const pid = stream.pid as number;
    expect(() => process.kill(pid, 0)).not.toThrow();
    stream.destroy();
    await expect
      .poll(() => {
        try {
          process.kill(pid, 0);
          return 'alive';
        } catch {
          return 'gone';
        }
      })
      .toBe('gone');
  });

  it('a missing program fails the dial with a TransportError', async () => {
    const err = await createDialer(uri('qemu+ext:///system?command=/nonexistent/tunnel'), { allowCommand: true })({}).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toContain('program not found');
  });

  it('a missing ssh binary says to install the OpenSSH client', async () => {
    const err = await createDialer(uri('qemu+ssh://h/system'), { ssh: { binary: '/nonexistent/ssh' } })({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toContain('openssh-client');
  });
});
