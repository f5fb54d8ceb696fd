/**
 * BackupManager's error paths against libvirt's test driver (test+unix:///default), which keeps checkpoints as
 * metadata but has no domain jobs or backups, and reports every disk as 1 TiB (virDomainGetBlockInfo): a backup
 * there fails making its 1 TiB target in the small test pool and leaves nothing; the checks made before anything
 * is made; checkpoints listed and deleted; the facade.
 * What a backup does on a real guest: backup.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { type DomainRef, InvalidArgumentError, InvalidStateError, LibvirtError } from '../../../src/connection/internal.js';
import { getRollbackReport } from '../../../src/creator/internal.js';
import type { LibvirtManager } from '../../../src/index.js';
import { type TestDriverVms, useTestDriverVms } from '../../helpers/test-driver-vms.js';

let manager: LibvirtManager;
let vms: TestDriverVms;

useTestDriverVms((m, v) => {
  manager = m;
  vms = v;
});

/** A test-driver VM with one owned disk (`vda`), running unless `start` is false. */
async function vm(prefix: string, start = true): Promise<DomainRef> {
  const domain = await vms.create(prefix, { format: 'qcow2' });
  if (start) await manager.startVm(domain);
  return domain;
}

async function poolVolumes(): Promise<string[]> {
  return (await manager.connection.storage.volumes.list('default-pool')).map((v) => v.name).sort();
}

describe('BackupManager on the test driver', () => {
  it("a backup whose target cannot be made fails with libvirt's error and leaves nothing", async () => {
    const domain = await vm('bk-nospace');
    const before = await poolVolumes();
    const error = await manager.backup(domain, { pool: 'default-pool', checkpoint: 'k1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibvirtError);
    expect((error as LibvirtError).message).toMatch(/space/);
    expect(getRollbackReport(error)).toMatchObject({ complete: true, failed: [] });
    expect(await poolVolumes()).toEqual(before);
    expect(await manager.backups.listCheckpoints(domain)).toEqual([]);
  });

  it('refuses bad options and a VM that is not running before anything is made', async () => {
    const off = await vm('bk-off', false);
    const before = await poolVolumes();
    await expect(manager.backup(off, { pool: 'default-pool' })).rejects.toBeInstanceOf(InvalidStateError);
    const bad: [unknown, string][] = [
      [{}, 'pool'],
      [{ pool: 'default-pool', disks: [] }, 'disks'],
      [{ pool: 'default-pool', disks: ['vda', 'vda'] }, 'disks'],
      [{ pool: 'default-pool', format: 'vmdk' }, 'format'],
      [{ pool: 'default-pool', incremental: 'a/b' }, 'incremental'],
      [{ pool: 'default-pool', timeout: -1 }, 'timeout'],
    ];
    for (const [options, path] of bad) {
      const error = await manager.backups.backup(off, options as never).catch((e: unknown) => e);
      expect(error, path).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).path).toBe(path);
    }
    expect(await poolVolumes()).toEqual(before);
  });

  it('lists checkpoints parents first and deletes them (with children on request)', async () => {
    const domain = await vm('bk-chk');
    const checkpoints = manager.connection.domains.checkpoints;
    await checkpoints.create(domain, { name: 'a' });
    await checkpoints.create(domain, { name: 'b' });
    await checkpoints.create(domain, { name: 'c' });
    const listed = await manager.backups.listCheckpoints(domain);
    expect(listed.map((c) => [c.name, c.parent])).toEqual([
      ['a', undefined],
      ['b', 'a'],
      ['c', 'b'],
    ]);
    expect(listed[0]!.createdAt).toBeInstanceOf(Date);
    await manager.backups.deleteCheckpoint(domain, 'b', { children: true });
    expect((await manager.backups.listCheckpoints(domain)).map((c) => c.name)).toEqual(['a']);
    await expect(manager.backups.deleteCheckpoint(domain, 'b')).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
