import { describe, expect, it } from 'vitest';
import { LibvirtConnection, type LibvirtEvent } from '../../../src/connection/internal.js';
import {
  CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
  CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
  CONNECT_EVENT_CONNECTION_CLOSED,
  CONNECT_REGISTER_CLOSE_CALLBACK,
  CONNECT_UNREGISTER_CLOSE_CALLBACK,
} from '../../../src/rpc/index.js';
import { FakeLibvirtDaemon } from '../../../src/testing/index.js';
import { fakeConnection } from '../../helpers/connection-fixtures.js';

// `connection.driver-closed` reaches subscribers only if the SDK registers the daemon's close callback
// (CONNECT_REGISTER_CLOSE_CALLBACK): the daemon sends CONNECT_EVENT_CONNECTION_CLOSED to no one else.

const fx = fakeConnection();

/** A daemon that accepts domain event registrations (and, if asked, close callbacks). */
async function startDaemon(closeCallbacks: boolean): Promise<FakeLibvirtDaemon> {
  const d = await FakeLibvirtDaemon.start();
  let callbackID = 0;
  d.handle(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, () => ({ ok: { callbackID: ++callbackID } }));
  d.handle(CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, () => ({ ok: undefined }));
  if (closeCallbacks) {
    d.handle(CONNECT_REGISTER_CLOSE_CALLBACK, () => ({ ok: undefined }));
    d.handle(CONNECT_UNREGISTER_CLOSE_CALLBACK, () => ({ ok: undefined }));
  }
  return d;
}

function count(d: FakeLibvirtDaemon, proc: number): number {
  return d.clients[0]!.calls.filter((h) => h.proc === proc).length;
}

describe("the daemon's close callback", () => {
  it('is registered once for every subscriber, delivers driver-closed to each, and is unregistered when the last leaves', async () => {
    const daemon = (fx.daemon = await startDaemon(true));
    const conn = (fx.conn = await LibvirtConnection.connect(daemon.uri, { keepalive: false, reconnect: false }));
    const first = conn.events({ types: ['domain.lifecycle'] });
    const second = conn.events({ types: ['domain.reboot'] });
    await Promise.all([first.ready, second.ready]);
    expect(count(daemon, CONNECT_REGISTER_CLOSE_CALLBACK.proc)).toBe(1);

    daemon.clients[0]!.sendEvent(CONNECT_EVENT_CONNECTION_CLOSED, { callbackID: null, reason: 1 });
    const expected: LibvirtEvent = { type: 'connection.driver-closed', reason: 'eof' };
    await expect(first.next()).resolves.toEqual({ done: false, value: expected });
    await expect(second.next()).resolves.toEqual({ done: false, value: expected });

    await first.return();
    expect(count(daemon, CONNECT_UNREGISTER_CLOSE_CALLBACK.proc)).toBe(0);
    await second.return();
    await expect.poll(() => count(daemon, CONNECT_UNREGISTER_CLOSE_CALLBACK.proc)).toBe(1);
  });

  it('does not fail a subscription when the daemon has no close callbacks', async () => {
    const daemon = (fx.daemon = await startDaemon(false)); // CONNECT_REGISTER_CLOSE_CALLBACK: "unknown procedure"
    const conn = (fx.conn = await LibvirtConnection.connect(daemon.uri, { keepalive: false, reconnect: false }));
    const events = conn.events({ types: ['domain.lifecycle'] });
    await expect(events.ready).resolves.toBeUndefined();
    expect(count(daemon, CONNECT_REGISTER_CLOSE_CALLBACK.proc)).toBe(1);
    await events.return();
  });
});
