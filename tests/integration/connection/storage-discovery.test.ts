/**
 * Storage discovery and the small pool/volume additions: pool capabilities,
 * source discovery, a pool by target path, pool persistence, and wiping a
 * volume with a chosen algorithm. The test driver fakes source discovery and
 * knows persistence; everything else runs on qemu:///system in a temporary
 * dir pool the test makes (only its own volume is ever wiped).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtConnection, UnsupportedError } from '../../../src/connection/internal.js';
import * as P from '../../../src/rpc/protocol/index.js';
import { QEMU_URI, TEST_URI, uniqueName } from '../../helpers/libvirt.js';
import { expectRefusedPaths } from '../../helpers/errors.js';
import { type TempPool, type TempVolume, tempPool, tempVolume } from '../../helpers/pool.js';

const code = (name: string) => expect.objectContaining({ codeName: name });
const MiB = 1024 * 1024;

/** The whole volume, downloaded. */
async function read(conn: LibvirtConnection, vol: TempVolume): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of await conn.storage.volumes.download(vol.ref)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('on the test driver', () => {
  let conn: LibvirtConnection;
  const transient = uniqueName('tpool');
  beforeAll(async () => {
    conn = await LibvirtConnection.connect(TEST_URI, { reconnect: false });
  });
  afterAll(async () => {
    await conn.storage.pools.stop(transient).catch(() => undefined);
    await conn.close();
  });

  it('finds the fake logical volume groups and netfs exports', async () => {
    const logical = await conn.storage.pools.findSources('logical');
    expect(logical).toContain('<name>testvg1</name>');
    const netfs = await conn.storage.pools.findSources('netfs', { source: "<source><host name='lvm-nas'/></source>" });
    expect(netfs).toContain("<host name='lvm-nas'/>");
    await expect(conn.storage.pools.findSources('netfs')).rejects.toEqual(code('VIR_ERR_INVALID_ARG'));
  });

  it('tells a persistent pool from a transient one', async () => {
    expect(await conn.storage.pools.isPersistent('default-pool')).toBe(true);
    const xml = `<pool type='dir'><name>${transient}</name><target><path>/${transient}</path></target></pool>`;
    const { pool } = await conn.call(P.STORAGE_POOL_CREATE_XML, { xml, flags: 0 });
    expect(await conn.storage.pools.isPersistent(pool)).toBe(false);
  });

  it('has no pool capabilities or target-path lookup: UnsupportedError', async () => {
    await expect(conn.storage.pools.getCapabilities()).rejects.toBeInstanceOf(UnsupportedError);
    await expect(conn.storage.pools.lookupByTargetPath('/default-pool')).rejects.toBeInstanceOf(UnsupportedError);
  });

  it('refuses bad input before anything is sent', async () => {
    const vol = { pool: 'default-pool', name: 'x', key: '/default-pool/x' };
    const bad: [() => Promise<unknown>, string][] = [
      [() => conn.storage.pools.findSources(''), 'type'],
      [() => conn.storage.pools.findSources('Net FS'), 'type'],
      [() => conn.storage.pools.findSources('netfs', { source: '' }), 'source'],
      [() => conn.storage.pools.findSources('netfs', { srcSpec: '<source/>' } as never), 'srcSpec'],
      [() => conn.storage.pools.lookupByTargetPath('relative/dir'), 'path'],
      [() => conn.storage.pools.lookupByTargetPath(''), 'path'],
      [() => conn.storage.pools.isPersistent('default-pool', { timeout: Number.NaN }), 'timeout'],
      [() => conn.storage.pools.getCapabilities({ flags: 1 } as never), 'flags'],
      [() => conn.storage.volumes.wipe(vol, { algorithm: 'shred' as never }), 'algorithm'],
      [() => conn.storage.volumes.wipe(vol, { algorithim: 'zero' } as never), 'algorithim'],
    ];
    await expectRefusedPaths(bad);
  });
});

describe('on qemu:///system', () => {
  let conn: LibvirtConnection;
  let pool: TempPool;
  let vol: TempVolume;
  beforeAll(async () => {
    conn = await LibvirtConnection.connect(QEMU_URI, { reconnect: false });
    pool = await tempPool(conn, 'disc');
    vol = await tempVolume(conn, pool, { format: 'raw', capacity: BigInt(MiB), prefix: 'wipe' });
  });
  afterAll(async () => {
    await pool?.remove();
    await conn.close();
  });

  it('parses the storage pool capabilities', async () => {
    const { pools } = await conn.storage.pools.getCapabilities();
    expect(pools.dir).toMatchObject({ supported: true, volumeFormats: { default: 'raw' } });
    expect(pools.dir?.volumeFormats?.values).toEqual(expect.arrayContaining(['raw', 'qcow2']));
    expect(pools.fs?.poolFormats?.values).toEqual(expect.arrayContaining(['ext4', 'xfs']));
    expect(Object.keys(pools)).toEqual(expect.arrayContaining(['dir', 'fs', 'netfs', 'logical', 'disk', 'iscsi', 'rbd']));
    expect(await conn.storage.pools.getCapabilitiesXml()).toMatch(/^<storagepoolCapabilities>/);
  });

  it('finds a pool by its target path (with or without a trailing slash), and knows it is persistent', async () => {
    const ref = await conn.storage.pools.lookup(pool.name);
    expect(await conn.storage.pools.lookupByTargetPath(pool.dir)).toEqual(ref);
    expect(await conn.storage.pools.lookupByTargetPath(`${pool.dir}/`)).toEqual(ref);
    await expect(conn.storage.pools.lookupByTargetPath(`${pool.dir}-none`)).rejects.toEqual(code('VIR_ERR_NO_STORAGE_POOL'));
    expect(await conn.storage.pools.isPersistent(ref)).toBe(true);
  });

  it('a dir pool has no source discovery: UnsupportedError', async () => {
    await expect(conn.storage.pools.findSources('dir')).rejects.toBeInstanceOf(UnsupportedError);
  });

  it('wipes its own volume with zeros, by default and with the zero algorithm', async () => {
    for (const options of [{ algorithm: 'zero' as const }, {}]) {
      await conn.storage.volumes.upload(vol.ref, new Uint8Array(MiB).fill(0xa5));
      expect((await read(conn, vol)).every((b) => b === 0xa5)).toBe(true);
      await conn.storage.volumes.wipe(vol.ref, options);
      const data = await read(conn, vol);
      expect(data.length).toBe(MiB);
      expect(data.every((b) => b === 0)).toBe(true);
    }
  });

  it('the scrub(1) patterns need scrub on the host; trim is refused for a file volume', async () => {
    const hasScrub = ['/usr/bin/scrub', '/usr/sbin/scrub', '/bin/scrub'].some((p) => existsSync(p));
    if (hasScrub) await expect(conn.storage.volumes.wipe(vol.ref, { algorithm: 'random' })).resolves.toBeUndefined();
    else await expect(conn.storage.volumes.wipe(vol.ref, { algorithm: 'random' })).rejects.toEqual(code('VIR_ERR_SYSTEM_ERROR'));
    await expect(conn.storage.volumes.wipe(vol.ref, { algorithm: 'trim' })).rejects.toEqual(code('VIR_ERR_ARGUMENT_UNSUPPORTED'));
  });
});
