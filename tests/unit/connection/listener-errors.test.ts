import { afterEach, describe, expect, it } from 'vitest';
import { LibvirtConnection } from '../../../src/connection/internal.js';
import { FakeLibvirtDaemon } from '../../../src/testing/index.js';
import { fakeConnection } from '../../helpers/connection-fixtures.js';

// A user's listener that throws is the user's bug: it must not stop the connection from reconnecting, nor keep the
// SDK's own listeners from hearing the event. Its error is still reported, the way Node reports a bug it cannot give
// back to anyone: as an uncaught exception (after a log line).

const fx = fakeConnection();
let restore: (() => void) | undefined;
// Registered after the fixture's, so it runs first (vitest runs after-hooks as a stack): before the destroy.
afterEach(() => {
  fx.conn?.removeAllListeners(); // the throwing ones would throw again on destroy(), after the trap is gone
  restore?.();
  restore = undefined;
});

/** Collect uncaught exceptions (and rejections) instead of letting them reach the test runner. */
function trapUncaught(): unknown[] {
  const caught: unknown[] = [];
  const trap = (error: unknown): void => void caught.push(error);
  process.on('uncaughtException', trap);
  process.on('unhandledRejection', trap);
  restore = () => {
    process.off('uncaughtException', trap);
    process.off('unhandledRejection', trap);
  };
  return caught;
}

describe('LibvirtConnection with a throwing listener', () => {
  it('keeps reconnecting, tells every other listener, and reports the error', async () => {
    const caught = trapUncaught();
    const logged: string[] = [];
    const daemon = (fx.daemon = await FakeLibvirtDaemon.start());
    const conn = (fx.conn = await LibvirtConnection.connect(daemon.uri, {
      keepalive: false,
      reconnect: { initialDelay: 10, maxDelay: 20 },
      logger: { error: (_fields, message) => void logged.push(message) },
    }));
    const bug = new Error('bug in a listener');
    for (const event of ['reconnecting', 'reconnected', 'state'] as const) {
      conn.on(event, () => {
        throw bug;
      });
    }
    const heard: string[] = [];
    conn.on('reconnecting', () => heard.push('reconnecting'));
    const reconnected = new Promise<void>((resolve) => conn.once('reconnected', () => resolve()));
    daemon.dropClients();
    await reconnected;
    expect(conn.state).toBe('open');
    expect(heard).toContain('reconnecting');
    await expect.poll(() => caught.length).toBeGreaterThanOrEqual(3);
    expect(caught.every((error) => error === bug)).toBe(true);
    expect(logged.some((message) => message.includes('listener'))).toBe(true);
  });
});
