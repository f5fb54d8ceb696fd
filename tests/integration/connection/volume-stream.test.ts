/**
 * Volume upload and download through the SDK's streams against the real
 * libvirtd (qemu:///system, a dir pool; the test driver has no volume
 * streams): every byte goes up and comes back, in a size that is not a
 * multiple of libvirt's 262,120-byte packets, so the last, short packet is
 * there too; and a download finished half-way still hands over what libvirt
 * sent before it confirmed. The finish/abort rules for data in flight are in
 * tests/unit/rpc/stream-end.test.ts; a console ended mid-line in console.test.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtConnection, type StorageVolRef } from '../../../src/connection/internal.js';
import { QEMU_URI } from '../../helpers/libvirt.js';
import { type TempPool, tempPool } from '../../helpers/pool.js';

const SIZE = 3 * 262_120 + 12_345;

describe('volume streams end to end (qemu:///system)', () => {
  let conn: LibvirtConnection;
  let pool: TempPool;
  let vol: StorageVolRef;

  beforeAll(async () => {
    conn = await LibvirtConnection.connect(QEMU_URI);
    pool = await tempPool(conn, 'vstream');
    vol = await conn.storage.volumes.create(pool.name, `<volume><name>data.raw</name><capacity unit='MiB'>4</capacity></volume>`);
  });

  afterAll(async () => {
    await pool?.remove();
    await conn?.close();
  });

  it('uploads and downloads every byte, the last short packet included', async () => {
    const data = randomBytes(SIZE);
    expect((await conn.storage.volumes.upload(vol, data)).bytes).toBe(SIZE);
    const stream = await conn.storage.volumes.download(vol, { length: SIZE });
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of stream) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    expect(bytes).toBe(SIZE);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    expect(stream.closed).toBe(true);
  });

  it('finish() in the middle of a download: the data libvirtd sent before confirming is still read, in order', async () => {
    // libvirt 9.0 confirms such a finish with OK, after the data it had already read from the file (here ~256 KiB
    // more: before the fix, read() ended at once and that data was dropped).
    const data = randomBytes(SIZE);
    await conn.storage.volumes.upload(vol, data);
    const stream = await conn.storage.volumes.download(vol, { length: SIZE });
    const chunks = [(await stream.read())!];
    const finished = stream.finish();
    for (let chunk = await stream.read(); chunk !== null; chunk = await stream.read()) chunks.push(chunk);
    await finished;
    const got = Buffer.concat(chunks);
    expect(got.length).toBe(stream.bytesReceived);
    expect(got.equals(data.subarray(0, got.length))).toBe(true);
  });
});
