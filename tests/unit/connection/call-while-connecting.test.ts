import { describe, expect, it } from 'vitest';
import { ConnectionClosedError, LibvirtConnection } from '../../../src/connection/internal.js';
import { CONNECT_GET_LIB_VERSION } from '../../../src/rpc/index.js';
import { CONNECT_OPEN } from '../../../src/rpc/protocol/procedures/connect.js';
import { FakeLibvirtDaemon } from '../../../src/testing/index.js';
import { fakeConnection } from '../../helpers/connection-fixtures.js';

// A call made while the first connect() is still under way waits for the link (as while reconnecting): it must
// run once the link is open, and fail if the connect does.

const fx = fakeConnection();

const settledWithin = <T>(promise: Promise<T>): Promise<T | 'pending'> =>
  Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 2000))]);

describe('a call made while the connection connects', () => {
  it('runs once the link is open', async () => {
    const daemon = (fx.daemon = await FakeLibvirtDaemon.start());
    daemon.handle(CONNECT_GET_LIB_VERSION, () => ({ ok: { lib_ver: 9_000_000n } }));
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    daemon.once(CONNECT_OPEN, async (_args, _ctx, next) => (await answered, next()));
    const conn = (fx.conn = new LibvirtConnection(daemon.uri, { keepalive: false }));
    const connecting = conn.connect();
    await expect.poll(() => conn.state).toBe('connecting');
    const call = conn.call(CONNECT_GET_LIB_VERSION, undefined);
    answer();
    await connecting;
    expect(await settledWithin(call)).toEqual({ lib_ver: 9_000_000n });
  });

  it('fails when the connect fails', async () => {
    const daemon = (fx.daemon = await FakeLibvirtDaemon.start());
    let answer: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    daemon.once(CONNECT_OPEN, async () => (await answered, { error: { code: 38, message: 'no connection driver available' } }));
    const conn = (fx.conn = new LibvirtConnection(daemon.uri, { keepalive: false }));
    const connecting = conn.connect().catch((error: unknown) => error);
    await expect.poll(() => conn.state).toBe('connecting');
    const call = conn.call(CONNECT_GET_LIB_VERSION, undefined).catch((error: unknown) => error);
    answer();
    await connecting;
    expect(await settledWithin(call)).toBeInstanceOf(ConnectionClosedError);
  });
});
