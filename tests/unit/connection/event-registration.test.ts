import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AbortError, LibvirtConnection, TimeoutError } from '../../../src/connection/internal.js';
import { CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY } from '../../../src/rpc/index.js';
import { FakeLibvirtDaemon } from '../../../src/testing/index.js';
import { fakeConnection } from '../../helpers/connection-fixtures.js';

// Event registrations a caller stops waiting for (its registration signal aborts, its registration timeout passes)
// while the daemon is still registering them.

const fx = fakeConnection();

/** A daemon whose domain-event registrations are answered only when the test says so. */
async function heldRegistrations(): Promise<{
  daemon: FakeLibvirtDaemon;
  conn: LibvirtConnection;
  answer: () => void;
  deregistered: number[];
}> {
  const daemon = (fx.daemon = await FakeLibvirtDaemon.start());
  const held: Array<() => void> = [];
  let callbackID = 0;
  daemon.handle(
    CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
    () => new Promise((resolve) => held.push(() => resolve({ ok: { callbackID: ++callbackID } }))),
  );
  const deregistered: number[] = [];
  daemon.handle(CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, ({ callbackID: id }) => {
    deregistered.push(id);
    return { ok: undefined };
  });
  const conn = (fx.conn = await LibvirtConnection.connect(daemon.uri, { keepalive: false, reconnect: false }));
  return {
    daemon,
    conn,
    deregistered,
    answer: () => {
      for (const release of held.splice(0)) release();
    },
  };
}

/** Registration calls the daemon received. */
function registering(daemon: FakeLibvirtDaemon): number {
  return daemon.clients[0]!.calls.filter((h) => h.proc === CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY.proc).length;
}

describe('event registration given up by one caller', () => {
  it('still completes for another subscriber sharing it', async () => {
    const { conn, daemon, answer } = await heldRegistrations();
    const controller = new AbortController();
    const first = conn.events({ types: ['domain.lifecycle'], registration: { signal: controller.signal } });
    const second = conn.events({ types: ['domain.lifecycle'] });
    await expect.poll(() => registering(daemon)).toBe(1);
    controller.abort();
    await expect(first.ready).rejects.toBeInstanceOf(AbortError);
    answer();
    await expect(second.ready).resolves.toBeUndefined();
  });

  it('is deregistered on the daemon once the daemon completes it', async () => {
    const { conn, daemon, answer, deregistered } = await heldRegistrations();
    const controller = new AbortController();
    const events = conn.events({ types: ['domain.lifecycle'], registration: { signal: controller.signal } });
    await expect.poll(() => registering(daemon)).toBe(1);
    controller.abort();
    await expect(events.ready).rejects.toBeInstanceOf(AbortError);
    // The daemon registered the callback anyway (libvirt may still complete an aborted call).
    answer();
    await expect.poll(() => deregistered, { timeout: 2000 }).toEqual([1]);
  });

  it("leaves no listener on the caller's signal once its registration timeout passed", async () => {
    const { conn, daemon } = await heldRegistrations();
    const controller = new AbortController();
    const events = conn.events({ types: ['domain.lifecycle'], registration: { signal: controller.signal, timeout: 50 } });
    await expect.poll(() => registering(daemon)).toBe(1);
    await expect(events.ready).rejects.toBeInstanceOf(TimeoutError);
    // The daemon never answers: the registration runs on, the caller's signal is free.
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('a subscriber arriving after everyone left a type still registering waits for that registration to be undone', async () => {
    const daemon = (fx.daemon = await FakeLibvirtDaemon.start());
    // libvirtd: one callback per event and connection; the first registration takes effect at once, its reply is held.
    const tracked = new Set<number>();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let callbackID = 0;
    daemon.handle(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, async ({ eventID }) => {
      if (tracked.has(eventID)) return { error: { code: 8, message: 'invalid argument: event callback already tracked' } };
      tracked.add(eventID);
      const id = ++callbackID;
      if (id === 1) await held;
      return { ok: { callbackID: id } };
    });
    daemon.handle(CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, () => {
      tracked.clear();
      return { ok: undefined };
    });
    const conn = (fx.conn = await LibvirtConnection.connect(daemon.uri, { keepalive: false, reconnect: false }));
    const first = conn.events({ types: ['domain.lifecycle'] });
    await expect.poll(() => registering(daemon)).toBe(1);
    await first.return();
    const second = conn.events({ types: ['domain.lifecycle'] });
    release();
    await expect(second.ready).resolves.toBeUndefined();
  });

  it('subscribing, leaving before the answer and subscribing again, over and over, never waits on itself', async () => {
    const daemon = (fx.daemon = await FakeLibvirtDaemon.start());
    const tracked = new Set<number>();
    let callbackID = 0;
    daemon.handle(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, ({ eventID }) => {
      if (tracked.has(eventID)) return { error: { code: 8, message: 'invalid argument: event callback already tracked' } };
      tracked.add(eventID);
      return { ok: { callbackID: ++callbackID } };
    });
    daemon.handle(CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, () => {
      tracked.clear();
      return { ok: undefined };
    });
    const conn = (fx.conn = await LibvirtConnection.connect(daemon.uri, { keepalive: false, reconnect: false }));
    for (let i = 0; i < 20; i++) {
      await conn.events({ types: ['domain.lifecycle'] }).return();
      const events = conn.events({ types: ['domain.lifecycle'] });
      await expect(events.ready).resolves.toBeUndefined();
      await events.return();
    }
  });
});
