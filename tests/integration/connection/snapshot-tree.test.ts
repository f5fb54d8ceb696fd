/**
 * Snapshot tree queries on the test driver: a chain s1 → s2 → s3 (each
 * created while the previous one is current), its children, descendants and
 * current marker, and libvirt's metadata flag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, LibvirtConnection, LibvirtError, type SnapshotRef } from '../../../src/connection/internal.js';
import { TEST_URI, testDomainXml, uniqueName } from '../../helpers/libvirt.js';

describe('snapshot tree on the test driver', () => {
  let conn: LibvirtConnection;
  const name = uniqueName('snaptree');
  let s1: SnapshotRef;
  let s2: SnapshotRef;
  let s3: SnapshotRef;
  beforeAll(async () => {
    conn = await LibvirtConnection.connect(TEST_URI, { reconnect: false });
    await conn.domains.control.define(testDomainXml(name));
    s1 = await conn.domains.snapshots.create(name, { name: 's1' });
    s2 = await conn.domains.snapshots.create(name, { name: 's2' });
    s3 = await conn.domains.snapshots.create(name, { name: 's3' });
  });
  afterAll(async () => {
    for (const snap of (await conn.domains.snapshots.list(name).catch(() => [])).reverse())
      await conn.domains.snapshots.delete(snap).catch(() => undefined);
    await conn.domains.control.undefine(name).catch(() => undefined);
    await conn.close();
  });

  it('lists direct children, or the whole subtree parents first', async () => {
    expect((await conn.domains.snapshots.listChildren(s1)).map((s) => s.name)).toEqual(['s2']);
    expect((await conn.domains.snapshots.listChildren(s1, { descendants: true, topological: true })).map((s) => s.name)).toEqual([
      's2',
      's3',
    ]);
    expect(await conn.domains.snapshots.listChildren(s3)).toEqual([]);
  });

  it('knows the current snapshot and that libvirt holds metadata for each', async () => {
    expect(await conn.domains.snapshots.isCurrent(s3)).toBe(true);
    expect(await conn.domains.snapshots.isCurrent(s1)).toBe(false);
    expect(await conn.domains.snapshots.hasMetadata(s2)).toBe(true);
  });

  it("reports libvirt's error for a snapshot that does not exist", async () => {
    const err = await conn.domains.snapshots.isCurrent({ ...s1, name: 'lvm-nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).codeName).toBe('VIR_ERR_NO_DOMAIN_SNAPSHOT');
  });

  it('refuses bad input before anything is sent', async () => {
    await expect(conn.domains.snapshots.listChildren(s1, { descendant: true } as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.domains.snapshots.listChildren(s1, { descendants: 'yes' } as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.domains.snapshots.isCurrent({ name: 's1' } as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.domains.snapshots.hasMetadata(null as never)).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
