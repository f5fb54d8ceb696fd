import { afterAll, describe, expect, it } from 'vitest';
import { ConnectionClosedError, LibvirtConnection, type LibvirtEvent } from '../../../src/connection/internal.js';
import { TEST_URI, signalLibvirtd, sleep, startLibvirtd, testDomainXml, uniqueName, virshQuiet } from '../../helpers/libvirt.js';

// This file kills the system libvirtd; integration files run one at a time
// (vitest.config.ts), and the daemon is restarted by the project's own script.

const names: string[] = [];
afterAll(() => {
  startLibvirtd();
  for (const name of names) virshQuiet(TEST_URI, 'undefine', name);
});

describe('LibvirtConnection when libvirtd dies', () => {
  it('rejects 100 in-flight calls, reconnects by itself, and the same event iterator delivers again', async () => {
    const conn = await LibvirtConnection.connect(TEST_URI, {
      keepalive: { interval: 1000, count: 3 },
      reconnect: { initialDelay: 100, maxDelay: 1000 },
    });
    const states: string[] = [];
    conn.on('state', (s) => states.push(s));
    const reconnected = new Promise<void>((resolve) => conn.once('reconnected', () => resolve()));
    const events = conn.events({ types: ['domain.lifecycle'] });
    await events.ready;

    // Freeze the daemon so the calls are truly in flight, then kill it.
    signalLibvirtd('SIGSTOP');
    const started = Date.now();
    const inFlight = Array.from({ length: 100 }, () =>
      conn.domains.getState('test').then(
        () => 'resolved',
        (e: unknown) => e,
      ),
    );
    await sleep(100);
    signalLibvirtd('SIGKILL');
    const outcomes = await Promise.all(inFlight);
    const rejectedAfter = Date.now() - started;
    for (const outcome of outcomes) expect(outcome).toBeInstanceOf(ConnectionClosedError);
    // Within the keepalive window (interval × count), not after some long TCP timeout.
    expect(rejectedAfter).toBeLessThan(3000 + 1000);
    expect(conn.state).toBe('reconnecting');

    startLibvirtd();
    await reconnected;
    expect(conn.state).toBe('open');
    expect(conn.reconnects).toBe(1);
    expect(states).toEqual(expect.arrayContaining(['reconnecting', 'open']));

    // The same iterator: first a reconnected marker, then events from the new link.
    const name = uniqueName('reconnect');
    names.push(name);
    await conn.domains.control.define(testDomainXml(name));
    const seen: LibvirtEvent[] = [];
    for await (const event of events) {
      seen.push(event);
      if (event.type === 'domain.lifecycle' && event.domain.name === name) break;
    }
    expect(seen[0]).toEqual({ type: 'connection.reconnected', reconnects: 1 });
    expect(seen.at(-1)).toMatchObject({ type: 'domain.lifecycle', event: 'defined', domain: { name } });
    await events.return();
    await conn.close();
  });

  it('calls made while reconnecting wait for the link, or fail fast when asked to', async () => {
    const waiting = await LibvirtConnection.connect(TEST_URI, { reconnect: { initialDelay: 200, maxDelay: 500 } });
    const failing = await LibvirtConnection.connect(TEST_URI, {
      whileReconnecting: 'fail',
      reconnect: { initialDelay: 200, maxDelay: 500 },
    });
    const lost = Promise.all([new Promise((r) => waiting.once('reconnecting', r)), new Promise((r) => failing.once('reconnecting', r))]);
    signalLibvirtd('SIGKILL');
    await lost;
    const waited = waiting.host.getLibVersion({ timeout: 20_000 });
    await expect(failing.host.getLibVersion()).rejects.toBeInstanceOf(ConnectionClosedError);
    startLibvirtd();
    await expect(waited).resolves.toMatchObject({ major: expect.any(Number) });
    await Promise.all([waiting.close(), failing.close()]);
  });

  it('gives up after maxAttempts and closes for good', async () => {
    const conn = await LibvirtConnection.connect(TEST_URI, { reconnect: { initialDelay: 50, maxDelay: 100, maxAttempts: 3 } });
    const closed = new Promise<{ reason: string }>((resolve) => conn.once('close', resolve));
    const sub = conn.events({ types: ['domain.lifecycle'] });
    await sub.ready;
    signalLibvirtd('SIGKILL');
    expect((await closed).reason).toBe('reconnect-failed');
    expect(conn.state).toBe('closed');
    await expect(sub.next()).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(conn.host.getLibVersion()).rejects.toBeInstanceOf(ConnectionClosedError);
    startLibvirtd();
  });
});
