import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, LibvirtConnection } from '../../../src/connection/internal.js';
import { CONNECT_GET_LIB_VERSION } from '../../../src/rpc/index.js';
import { CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY } from '../../../src/rpc/index.js';
import { FakeLibvirtDaemon } from '../../../src/testing/index.js';
import { fakeConnection } from '../../helpers/connection-fixtures.js';

// Reconnects against the in-process daemon: what a reconnect attempt that failed after the socket was open
// leaves behind.

const fx = fakeConnection();

async function subscribed(): Promise<{ daemon: FakeLibvirtDaemon; conn: LibvirtConnection }> {
  const daemon = (fx.daemon = await FakeLibvirtDaemon.start());
  let callbackID = 0;
  daemon.handle(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, () => ({ ok: { callbackID: ++callbackID } }));
  const conn = (fx.conn = await LibvirtConnection.connect(daemon.uri, { keepalive: false, reconnect: { initialDelay: 10, maxDelay: 20 } }));
  const events = conn.events({ types: ['domain.lifecycle'] });
  await events.ready;
  return { daemon, conn };
}

describe('LibvirtConnection while reconnecting', () => {
  it('closes the link of the failed attempt instead of leaving its socket open', async () => {
    const { daemon, conn } = await subscribed();
    // The first replay on the new link is refused; the next attempt succeeds.
    daemon.once(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, () => ({ error: { code: 1, message: 'internal error: injected' } }));
    const reconnected = new Promise<void>((resolve) => conn.once('reconnected', () => resolve()));
    daemon.dropClients();
    await reconnected;
    expect(conn.state).toBe('open');
    // Client 0: the original link (dropped); 1: the failed attempt; 2: the live link.
    expect(daemon.clients).toHaveLength(3);
    await expect.poll(() => daemon.clients[1]!.closed, { timeout: 2000 }).toBe(true);
    expect(daemon.clients[2]!.closed).toBe(false);
  });

  it('runs one reconnect loop when the new link is lost during its replay', async () => {
    const { daemon, conn } = await subscribed();
    // The first replay never gets its answer: the daemon drops that link instead.
    daemon.once(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, () => ({ close: true }));
    let reconnected = 0;
    conn.on('reconnected', () => reconnected++);
    const first = new Promise<void>((resolve) => conn.once('reconnected', () => resolve()));
    daemon.dropClients();
    await first;
    // Leave time for a second loop, if one was started, to connect again (its backoff is 10-20 ms).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(reconnected).toBe(1);
    expect(conn.reconnects).toBe(1);
    // Client 0: the original link; 1: lost during its replay; 2: the live link. Nothing more.
    expect(daemon.clients).toHaveLength(3);
    expect(daemon.clients.filter((c) => !c.closed)).toHaveLength(1);
  });

  it('refuses a bad timeout at once while reconnecting instead of waiting for the link without bound', async () => {
    const { daemon, conn } = await subscribed();
    // The daemon goes away for good: the connection keeps reconnecting.
    await daemon.stop();
    await expect.poll(() => conn.state).toBe('reconnecting');
    for (const timeout of [Number.NaN, -1, Infinity]) {
      const outcome = await Promise.race([
        conn.call(CONNECT_GET_LIB_VERSION, undefined, { timeout }).catch((error: unknown) => error),
        new Promise((resolve) => setTimeout(() => resolve('still waiting'), 500)),
      ]);
      expect(outcome, `timeout ${timeout}`).toBeInstanceOf(InvalidArgumentError);
    }
  });

  it('registers an event type subscribed to while reconnecting once on the new link, not twice', async () => {
    const { daemon, conn } = await subscribed();
    // Callbacks alive on the daemon, per client: registered and not deregistered.
    const alive = new Map<object, Set<number>>();
    let callbackID = 100;
    daemon.handle(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, (_args, { client }) => {
      const id = ++callbackID;
      alive.set(client, (alive.get(client) ?? new Set()).add(id));
      return { ok: { callbackID: id } };
    });
    daemon.handle(CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, ({ callbackID: id }, { client }) => {
      alive.get(client)?.delete(id);
      return { ok: undefined };
    });
    const reconnected = new Promise<void>((resolve) => conn.once('reconnected', () => resolve()));
    // A type nobody had subscribed to yet, while reconnecting: its registration waits for the link, and the replay
    // runs on that link too.
    const subscribing = new Promise<ReturnType<typeof conn.events>>((resolve) =>
      conn.once('reconnecting', () => resolve(conn.events({ types: ['domain.reboot'] }))),
    );
    daemon.dropClients();
    const reboots = await subscribing;
    await reconnected;
    await reboots.ready;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const live = daemon.clients.at(-1)!;
    // One callback for domain.lifecycle, one for domain.reboot.
    expect(alive.get(live)?.size).toBe(2);
    await reboots.return();
    await conn.close();
    expect(alive.get(live)?.size).toBe(1);
  });

  it("never sends the old link's deregistration to the new link, where its callback id names another callback", async () => {
    const { daemon, conn } = await subscribed();
    // Callback ids repeat across links (a restarted libvirtd counts from scratch): ids per client model that.
    const alive = new Map<object, Map<number, number>>();
    daemon.handle(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, ({ eventID }, { client }) => {
      const callbacks = alive.get(client) ?? new Map<number, number>();
      alive.set(client, callbacks);
      const id = callbacks.size + 1;
      callbacks.set(id, eventID);
      return { ok: { callbackID: id } };
    });
    daemon.handle(CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, ({ callbackID }, { client }) => {
      alive.get(client)?.delete(callbackID);
      return { ok: undefined };
    });
    // Reboot gets callback 1 of the first link from this handler.
    const reboots = conn.events({ types: ['domain.reboot'] });
    await reboots.ready;
    const reconnected = new Promise<void>((resolve) => conn.once('reconnected', () => resolve()));
    // Leave reboot while reconnecting: its deregistration (callback 1 of the old link) waits for a link.
    const left = new Promise<void>((resolve) => conn.once('reconnecting', () => void reboots.return().then(() => resolve())));
    daemon.dropClients();
    await left;
    await reconnected;
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The new link: lifecycle was replayed as callback 1 and must still be there.
    expect([...(alive.get(daemon.clients.at(-1)!)?.values() ?? [])]).toEqual([0]);
  });

  it('a type subscribed to while reconnecting is ready even when libvirtd refuses the second callback', async () => {
    const { daemon, conn } = await subscribed();
    // libvirtd keeps one callback per event and connection: a second is "event callback already tracked".
    const alive = new Map<object, Set<number>>();
    let callbackID = 100;
    daemon.handle(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, ({ eventID }, { client }) => {
      const events = alive.get(client) ?? new Set<number>();
      alive.set(client, events);
      if (events.has(eventID)) return { error: { code: 8, domain: 0, message: 'invalid argument: event callback already tracked' } };
      events.add(eventID);
      return { ok: { callbackID: ++callbackID } };
    });
    const reconnected = new Promise<void>((resolve) => conn.once('reconnected', () => resolve()));
    const subscribing = new Promise<ReturnType<typeof conn.events>>((resolve) =>
      conn.once('reconnecting', () => resolve(conn.events({ types: ['domain.reboot'] }))),
    );
    daemon.dropClients();
    const reboots = await subscribing;
    await reconnected;
    await expect(reboots.ready).resolves.toBeUndefined();
  });
});
