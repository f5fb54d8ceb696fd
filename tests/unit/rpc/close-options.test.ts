import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, LibvirtConnection } from '../../../src/connection/internal.js';
import { FakeLibvirtDaemon } from '../../../src/testing/index.js';
import { LIB_VERSION, fakePair } from '../../helpers/fake.js';

// close({ timeout }) takes the same durations as every other timeout (0 there means "tear down now"); a bad one is
// refused before the close starts, and the link stays as it was.

const BAD: unknown[] = [Number.NaN, -1, Infinity, '5000'];
let dispose: (() => Promise<void>) | undefined;
afterEach(async () => {
  await dispose?.();
  dispose = undefined;
});

describe('close() with a bad timeout', () => {
  it('RpcClient.close refuses it with InvalidArgumentError and keeps the client open', async () => {
    const pair = await fakePair();
    dispose = pair.dispose;
    for (const timeout of BAD) {
      await expect(pair.client.close({ timeout } as never), String(timeout)).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(pair.client.closed).toBe(false);
    }
    pair.daemon.handle(LIB_VERSION, () => ({ ok: { lib_ver: 9_000_000n } }));
    await expect(pair.client.call(LIB_VERSION, undefined)).resolves.toEqual({ lib_ver: 9_000_000n });
    await pair.client.close({ timeout: 0 }); // 0: tear down now
    expect(pair.client.closed).toBe(true);
  });

  it('LibvirtConnection.close refuses it with InvalidArgumentError and stays open', async () => {
    const daemon = await FakeLibvirtDaemon.start();
    const conn = await LibvirtConnection.connect(daemon.uri, { keepalive: false });
    dispose = async () => {
      conn.destroy();
      await daemon.stop();
    };
    for (const timeout of BAD) {
      await expect(conn.close({ timeout } as never), String(timeout)).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(conn.state).toBe('open');
    }
    await conn.close({ timeout: 5000 });
    expect(conn.state).toBe('closed');
  });
});
