import { describe, expect, it } from 'vitest';
import { LibvirtConnection, TimeoutError } from '../../src/index.js';
import * as protocol from '../../src/rpc/protocol/index.js';
import { FakeLibvirtDaemon } from '../../src/testing/index.js';

// The example of docs/testing.md, kept honest.
describe('libvirt-manager/testing', () => {
  it('lets a LibvirtConnection talk to a fake daemon that never answers', async () => {
    await using daemon = await FakeLibvirtDaemon.start();
    daemon.handle(protocol.CONNECT_GET_LIB_VERSION, () => ({ hang: true }));
    const conn = await LibvirtConnection.connect(daemon.uri);
    await expect(conn.host.getLibVersion({ timeout: 100 })).rejects.toBeInstanceOf(TimeoutError);
    daemon.handle(protocol.CONNECT_GET_LIB_VERSION, () => ({ ok: { lib_ver: 9_000_000n } }));
    await expect(conn.host.getLibVersion()).resolves.toMatchObject({ text: '9.0.0' });
    await conn.close();
  });
});
