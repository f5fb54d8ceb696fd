import { describe, expect, it } from 'vitest';
import { ConnectionClosedError, LibvirtConnection } from '../../../src/connection/internal.js';
import { CONNECT_OPEN } from '../../../src/rpc/protocol/procedures/connect.js';
import { FakeLibvirtDaemon } from '../../../src/testing/index.js';
import { fakeConnection } from '../../helpers/connection-fixtures.js';

const fx = fakeConnection();

/** A daemon whose CONNECT_OPEN is answered only when the test says so. */
async function slowOpen(): Promise<{ daemon: FakeLibvirtDaemon; answer: () => void }> {
  const daemon = (fx.daemon = await FakeLibvirtDaemon.start());
  let answer: () => void = () => undefined;
  const answered = new Promise<void>((resolve) => (answer = resolve));
  daemon.once(CONNECT_OPEN, async (_args, _ctx, next) => {
    await answered;
    return next();
  });
  return { daemon, answer };
}

describe('closing a connection while it connects', () => {
  for (const how of ['close', 'destroy'] as const) {
    it(`${how}() fails the connect and closes the socket it was opening`, async () => {
      const { daemon, answer } = await slowOpen();
      const conn = new LibvirtConnection(daemon.uri, { keepalive: false });
      const connecting = conn.connect().catch((error: unknown) => error);
      await expect.poll(() => daemon.clients[0]?.calls.some((h) => h.proc === CONNECT_OPEN.proc)).toBe(true);
      const closing = how === 'close' ? conn.close() : conn.destroy();
      answer();
      await closing;
      expect(await connecting).toBeInstanceOf(ConnectionClosedError);
      expect(conn.state).toBe('closed');
      await expect.poll(() => daemon.clients[0]!.closed, { timeout: 2000 }).toBe(true);
    });
  }
});
