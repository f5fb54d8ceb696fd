/**
 * DomainConsole against the in-process fake daemon: what goes on the wire
 * (device, flags, data both ways, the finish handshake) and how it ends when
 * the daemon ends the stream or the link dies. The real guest is in
 * tests/integration/connection/console.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionClosedError, type DomainConsole, LibvirtConnection } from '../../../src/connection/internal.js';
import { DOMAIN_OPEN_CONSOLE } from '../../../src/rpc/index.js';
import { MessageStatus } from '../../../src/rpc/protocol/constants.js';
import { FakeLibvirtDaemon } from '../../../src/testing/index.js';

const VM = { name: 'web1', uuid: '8d1c5d3c-2e49-4c37-9d7a-6b0f5a1e2c3d', id: 1 };
const PROC = DOMAIN_OPEN_CONSOLE.proc;

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** A fake daemon whose console greets with `login: `, records what the client sends, and confirms a finish. */
async function setup(): Promise<{
  daemon: FakeLibvirtDaemon;
  conn: LibvirtConnection;
  opened: { dev_name: string | null; flags: number }[];
  received: Buffer[];
  statuses: number[];
}> {
  const daemon = await FakeLibvirtDaemon.start();
  const opened: { dev_name: string | null; flags: number }[] = [];
  const received: Buffer[] = [];
  const statuses: number[] = [];
  daemon.handle(DOMAIN_OPEN_CONSOLE, (args, { header, client }) => {
    opened.push({ dev_name: args.dev_name, flags: args.flags });
    setImmediate(() =>
      client.sendStream({ proc: PROC, serial: header.serial, status: MessageStatus.VIR_NET_CONTINUE }, Buffer.from('login: ')),
    );
    return { ok: undefined };
  });
  daemon.onStream((header, payload, client) => {
    statuses.push(header.status);
    if (header.status === MessageStatus.VIR_NET_CONTINUE) received.push(Buffer.from(payload));
    // Echo each line back, as a shell would; confirm a finish or an abort.
    if (header.status === MessageStatus.VIR_NET_CONTINUE)
      client.sendStream(
        { proc: PROC, serial: header.serial, status: MessageStatus.VIR_NET_CONTINUE },
        Buffer.from(`> ${payload.toString()}`),
      );
    else client.sendStream({ proc: PROC, serial: header.serial, status: MessageStatus.VIR_NET_OK }, Buffer.alloc(0));
  });
  const conn = await LibvirtConnection.connect(daemon.uri, { reconnect: false, keepalive: false });
  cleanup = async () => {
    conn.destroy();
    await daemon.stop();
  };
  return { daemon, conn, opened, received, statuses };
}

function output(tty: DomainConsole): { text: () => string; until: (s: string) => Promise<void> } {
  let text = '';
  const waiters: (() => void)[] = [];
  tty.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    for (const w of waiters.splice(0)) w();
  });
  const until = async (s: string): Promise<void> => {
    while (!text.includes(s)) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return { text: () => text, until };
}

describe('DomainConsole', () => {
  it('sends the device and flags, carries data both ways, and end() completes the finish handshake', async () => {
    const { conn, opened, received, statuses } = await setup();
    const tty = await conn.domains.openConsole(VM, { device: 'serial0', force: true, safe: true });
    expect(opened).toEqual([{ dev_name: 'serial0', flags: 3 }]);
    const out = output(tty);
    await out.until('login: ');
    tty.write('root\n');
    await out.until('> root\n');
    expect(Buffer.concat(received).toString()).toBe('root\n');
    expect(tty.bytesSent).toBe(5);
    expect(tty.bytesReceived).toBe('login: > root\n'.length);
    const closed = new Promise<void>((resolve) => tty.once('close', resolve));
    tty.end();
    await closed;
    expect(statuses.at(-1)).toBe(MessageStatus.VIR_NET_OK);
  });

  it('defaults: the first console (no device), no flags', async () => {
    const { conn, opened } = await setup();
    const tty = await conn.domains.openConsole(VM);
    expect(opened).toEqual([{ dev_name: null, flags: 0 }]);
    tty.destroy();
  });

  it('destroy() aborts the stream on the daemon', async () => {
    const { conn, statuses } = await setup();
    const tty = await conn.domains.openConsole(VM);
    await output(tty).until('login: ');
    const closed = new Promise<void>((resolve) => tty.once('close', resolve));
    tty.destroy();
    await closed;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(statuses).toEqual([MessageStatus.VIR_NET_ERROR]);
  });

  it('ends its readable side when the daemon ends the stream, and confirms it', async () => {
    const { daemon, conn, statuses } = await setup();
    const tty = await conn.domains.openConsole(VM);
    const out = output(tty);
    await out.until('login: ');
    const ended = new Promise<void>((resolve) => tty.once('end', resolve));
    const client = daemon.clients.at(-1)!;
    const serial = client.calls.at(-1)!.serial;
    client.sendStream({ proc: PROC, serial, status: MessageStatus.VIR_NET_CONTINUE }, Buffer.alloc(0));
    await ended;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(statuses).toContain(MessageStatus.VIR_NET_OK);
  });

  it('emits a ConnectionClosedError when the link dies, and closes', async () => {
    const { daemon, conn } = await setup();
    const tty = await conn.domains.openConsole(VM);
    const out = output(tty);
    await out.until('login: ');
    const failed = new Promise<unknown>((resolve) => tty.once('error', resolve));
    const closed = new Promise<void>((resolve) => tty.once('close', resolve));
    daemon.dropClients();
    expect(await failed).toBeInstanceOf(ConnectionClosedError);
    await closed;
  });
});
