/**
 * A download whose consumer stops reading for longer than both keepalives
 * (ours and libvirtd's, 5 s × 5 each by default): back-pressure pauses the
 * socket, so neither side's PINGs are read. The link must survive it — our
 * keepalive does not count silence we caused, and our PINGs keep reaching
 * libvirtd, whose keepalive takes any packet as proof of life — and every
 * byte must still arrive once the consumer reads again. Real libvirtd
 * (qemu:///system, a dir pool): the test driver has no volume streams.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtConnection, type StorageVolRef } from '../../../src/connection/internal.js';
import { QEMU_URI } from '../../helpers/libvirt.js';
import { type TempPool, tempPool } from '../../helpers/pool.js';

const SIZE = 16 * 1024 * 1024;
/** Longer than libvirtd's keepalive_interval × keepalive_count (5 × 5 s here) plus one interval. */
const IDLE_MS = 32_000;

describe('a download consumer idle past both keepalives (qemu:///system)', () => {
  // The pool is made and removed on a connection of its own: the one under test may be closed by the test.
  let admin: LibvirtConnection;
  let conn: LibvirtConnection;
  let pool: TempPool;
  let vol: StorageVolRef;

  beforeAll(async () => {
    admin = await LibvirtConnection.connect(QEMU_URI);
    pool = await tempPool(admin, 'slowread');
    vol = await admin.storage.volumes.create(pool.name, `<volume><name>data.raw</name><capacity unit='MiB'>16</capacity></volume>`);
    conn = await LibvirtConnection.connect(QEMU_URI, { reconnect: false });
  });

  afterAll(async () => {
    conn?.destroy();
    await pool?.remove();
    await admin?.close();
  });

  it('keeps the link, then delivers every byte', { timeout: 120_000 }, async () => {
    const closed: unknown[] = [];
    conn.on('close', (info) => closed.push(info));
    // 16 MiB is well past the stream's 4 MiB high-water mark plus what the kernel's socket buffers hold.
    const stream = await conn.storage.volumes.download(vol, { length: SIZE });
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    expect(closed).toEqual([]);
    expect(conn.state).toBe('open');
    let bytes = 0;
    for await (const chunk of stream) bytes += chunk.length;
    expect(bytes).toBe(SIZE);
    await expect(conn.host.getLibVersion()).resolves.toBeDefined();
  });
});
