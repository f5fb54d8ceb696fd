/**
 * `conn.domains.admin.rename` on a VM the SDK created (test driver): the VM
 * registry follows the new name (libvirt's undefined/defined `renamed`
 * events), and the ownership record — in the domain's `<metadata>`, naming
 * the domain by UUID — survives, so the destroyer still deletes the disk the
 * SDK made.
 */
import { expect, it } from 'vitest';
import type { LibvirtManager } from '../../../src/index.js';
import { type TestDriverVms, useTestDriverVms } from '../../helpers/test-driver-vms.js';

let manager: LibvirtManager;
let vms: TestDriverVms;

useTestDriverVms((m, v) => {
  manager = m;
  vms = v;
});

it('the registry follows the new name and the destroyer still deletes the owned disk', async () => {
  const ref = await vms.create('rename');
  const newName = vms.name('renamed');
  await expect.poll(() => manager.vms.get(ref.name)?.state).toBe('shutoff');
  const renamed = await manager.connection.domains.admin.rename(ref, newName);
  expect(renamed.uuid).toBe(ref.uuid);
  await expect.poll(() => manager.vms.get(newName)?.domain.uuid, { timeout: 5000 }).toBe(ref.uuid);
  expect(manager.vms.get(ref.name)).toBeUndefined();
  const report = await manager.destroyVm(newName, { storage: 'owned' });
  expect(report.undefined).toBe(true);
  expect(report.volumesDeleted).toHaveLength(1);
});
