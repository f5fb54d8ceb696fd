/**
 * Ending a DomainConsole while the guest is still writing, with the timing
 * fixed by the fake daemon: `end()` (finish) delivers every byte the daemon
 * sends before its confirmation, `destroy()` (abort) discards it. The real
 * guest is in tests/integration/connection/console.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type DomainConsole, LibvirtConnection } from '../../../src/connection/internal.js';
import { DOMAIN_OPEN_CONSOLE } from '../../../src/rpc/index.js';
import { MessageStatus } from '../../../src/rpc/protocol/constants.js';
import { type FakeClient, FakeLibvirtDaemon } from '../../../src/testing/index.js';

const VM = { name: 'web1', uuid: '8d1c5d3c-2e49-4c37-9d7a-6b0f5a1e2c3d', id: 1 };
const PROC = DOMAIN_OPEN_CONSOLE.proc;
const { VIR_NET_OK: OK, VIR_NET_CONTINUE: CONTINUE } = MessageStatus;
const LINES = ['last line 1\r\n', 'last line 2\r\n', 'last line 3\r\n'];

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/**
 * A console whose daemon, on the client's finish or abort, sends {@link LINES}
 * one per 5 ms (the guest still writing), then confirms, then — which libvirt
 * never does — one more line that must be dropped.
 */
async function setup(): Promise<{ tty: DomainConsole; send: (text: string) => void; statuses: number[] }> {
  const daemon = await FakeLibvirtDaemon.start();
  const statuses: number[] = [];
  let peer: { client: FakeClient; serial: number } | undefined;
  const send = (text: string, status: MessageStatus = CONTINUE): void =>
    peer!.client.sendStream({ proc: PROC, serial: peer!.serial, status }, Buffer.from(text));
  daemon.handle(DOMAIN_OPEN_CONSOLE, (_args, { header, client }) => {
    peer = { client, serial: header.serial };
    return { ok: undefined };
  });
  daemon.onStream((header) => {
    if (header.status === CONTINUE) return;
    statuses.push(header.status);
    void (async () => {
      for (const line of LINES) {
        send(line);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      send('', OK);
      send('after the confirmation\r\n');
    })();
  });
  const conn = await LibvirtConnection.connect(daemon.uri, { reconnect: false, keepalive: false });
  cleanup = async () => {
    conn.destroy();
    await daemon.stop();
  };
  return { tty: await conn.domains.openConsole(VM), send, statuses };
}

/** Everything the console emits, and the order of its `'data'`/`'finish'`/`'end'`/`'close'` events. */
function record(tty: DomainConsole): { text: () => string; events: string[]; closed: Promise<void> } {
  let text = '';
  const events: string[] = [];
  tty.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    if (events.at(-1) !== 'data') events.push('data');
  });
  for (const name of ['finish', 'end'] as const) tty.on(name, () => events.push(name));
  const closed = new Promise<void>((resolve) => tty.once('close', () => resolve()));
  return { text: () => text, events, closed: closed.then(() => void events.push('close')) };
}

describe('DomainConsole.end(): output in flight is delivered', () => {
  it('while the console is being read: every line sent before the confirmation, then finish, end, close', async () => {
    const { tty, send, statuses } = await setup();
    const out = record(tty);
    send('login: ');
    while (out.text() === '') await new Promise((resolve) => setImmediate(resolve));
    tty.end();
    await out.closed;
    expect(statuses).toEqual([OK]);
    expect(out.text()).toBe(`login: ${LINES.join('')}`);
    expect(tty.bytesReceived).toBe(out.text().length);
    expect(out.events).toEqual(['data', 'finish', 'end', 'close']);
  });

  it('ended in the tick the reader attached, before the first read: all of it', async () => {
    const { tty, send } = await setup();
    send('login: ');
    const out = record(tty);
    tty.end();
    await out.closed;
    expect(out.text()).toBe(`login: ${LINES.join('')}`);
  });

  it('read only after the finish completed: the output waits for the reader', async () => {
    const { tty, send } = await setup();
    send('login: ');
    tty.end();
    await new Promise((resolve) => tty.once('finish', resolve));
    const out = record(tty);
    await out.closed;
    expect(out.text()).toBe(`login: ${LINES.join('')}`);
  });
});

describe('DomainConsole.destroy(): output in flight is discarded', () => {
  it('nothing after the abort is emitted, and it closes', async () => {
    const { tty, send, statuses } = await setup();
    const out = record(tty);
    send('login: ');
    while (out.text() === '') await new Promise((resolve) => setImmediate(resolve));
    tty.destroy();
    await out.closed;
    expect(statuses).toEqual([MessageStatus.VIR_NET_ERROR]);
    expect(out.text()).toBe('login: ');
  });
});
