/**
 * The set-up and clean-up of a connection that many test files repeat:
 * a fake daemon and a connection made per test (unit tests), and one real
 * connection shared by a `describe` block (integration tests). Each registers
 * its own hooks, so a test file cannot forget the clean-up.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { LibvirtConnection, type LibvirtConnectionOptions } from '../../src/connection/internal.js';
import type { FakeLibvirtDaemon } from '../../src/testing/index.js';

/** What a unit test sets; {@link fakeConnection} cleans it up after each test. */
export interface FakeConnectionFixture {
  /** The test's fake daemon, stopped after the test. */
  daemon: FakeLibvirtDaemon | undefined;
  /** The test's connection, destroyed (before the daemon stops) after the test. */
  conn: LibvirtConnection | undefined;
}

/**
 * Call at the top of a test file (or `describe`): the returned slots are
 * emptied after each test, the connection destroyed and the daemon stopped.
 * @example const fx = fakeConnection(); ... fx.daemon = await FakeLibvirtDaemon.start();
 */
export function fakeConnection(): FakeConnectionFixture {
  const fx: FakeConnectionFixture = { daemon: undefined, conn: undefined };
  afterEach(async () => {
    fx.conn?.destroy();
    await fx.daemon?.stop();
    fx.conn = fx.daemon = undefined;
  });
  return fx;
}

/**
 * One connection to `uri` for the enclosing `describe` block: opened in a
 * `beforeAll` (no reconnect: a lost daemon fails the tests, it is not hidden),
 * closed in an `afterAll`. The returned value stands for it inside the tests
 * (`conn.host.cpu.listModels()`); it forwards to the connection opened for
 * the block, which does not exist yet while the block is being collected.
 * @example const conn = sharedConnection(TEST_URI);
 */
export function sharedConnection(uri: string, options: LibvirtConnectionOptions = {}): LibvirtConnection {
  let conn: LibvirtConnection | undefined;
  beforeAll(async () => {
    conn = await LibvirtConnection.connect(uri, { reconnect: false, ...options });
  });
  afterAll(async () => {
    await conn?.close();
    conn = undefined;
  });
  return new Proxy({} as LibvirtConnection, {
    get(_target, key) {
      if (conn === undefined) throw new Error(`the shared connection to ${uri} is open only inside the block's tests`);
      const value: unknown = Reflect.get(conn, key, conn);
      // Methods run on the connection itself: its #private fields are not on the proxy.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(conn) : value;
    },
  });
}
