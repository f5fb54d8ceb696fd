import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, LibvirtConnection } from '../../../src/connection/internal.js';
import { FakeLibvirtDaemon } from '../../../src/testing/index.js';
import { fakeConnection } from '../../helpers/connection-fixtures.js';

// A bad call option of connect() is the caller's mistake: refused before anything changes, the instance still usable.

const fx = fakeConnection();

describe('LibvirtConnection.connect() with bad options', () => {
  it('refuses each bad timeout or signal with InvalidArgumentError and stays usable', async () => {
    const daemon = (fx.daemon = await FakeLibvirtDaemon.start());
    const conn = (fx.conn = new LibvirtConnection(daemon.uri, { keepalive: false }));
    const bad: unknown[] = [
      { timeout: Number.NaN },
      { timeout: -1 },
      { timeout: Infinity },
      { timeout: '1000' },
      { signal: 'nope' },
      'options',
    ];
    for (const options of bad) {
      await expect(conn.connect(options as never), JSON.stringify(options)).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(conn.state).toBe('disconnected');
    }
    expect(daemon.clients).toHaveLength(0);
    await conn.connect({ timeout: 5000 });
    expect(conn.state).toBe('open');
  });
});
