/**
 * The ownership record across a revert, on libvirt's test driver (which,
 * like QEMU, puts back the definition saved with the snapshot, `<metadata>`
 * included): what the revert dropped comes back, what it brought back
 * leaves, a VM with no record gets none. Teardown after a revert on a real
 * guest: snapshots-qemu.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { DomainRef } from '../../../src/connection/internal.js';
import type { LibvirtManager } from '../../../src/index.js';
import { OWNERSHIP_NAMESPACE, OWNERSHIP_PREFIX, type OwnedVolume, buildOwnershipXml, parseOwnership } from '../../../src/xml/index.js';
import { type TestDriverVms, useTestDriverVms } from '../../helpers/test-driver-vms.js';

let manager: LibvirtManager;
let vms: TestDriverVms;

useTestDriverVms((m, v) => {
  manager = m;
  vms = v;
});

/** The persistent definition's record: each volume's name, with `@revert` when marked as left by a revert. */
async function record(domain: DomainRef): Promise<string[] | null> {
  const found = parseOwnership(await manager.connection.domains.getXml(domain, { inactive: true }));
  return found === null ? null : found.volumes.map((v) => `${v.name ?? v.path}${v.leftBy === undefined ? '' : `@${v.leftBy}`}`).sort();
}

/**
 * Change the persistent definition's record as an SDK operation would (the
 * test driver cannot attach or detach devices, so the record is written here
 * the way recordOwned / forgetOwned write it).
 */
async function rewrite(domain: DomainRef, change: (volumes: OwnedVolume[]) => OwnedVolume[]): Promise<void> {
  const found = parseOwnership(await manager.connection.domains.getXml(domain, { inactive: true }))!;
  const xml = buildOwnershipXml({ ...found, volumes: change(found.volumes) });
  await manager.connection.domains.control.setMetadataElement(domain, OWNERSHIP_NAMESPACE, OWNERSHIP_PREFIX, xml, { flags: 2 });
}

/** A 1 MiB volume of `default-pool`, as recorded when the SDK makes one. */
async function volume(name: string): Promise<OwnedVolume> {
  const ref = await manager.connection.storage.volumes.create(
    'default-pool',
    `<volume><name>${name}</name><capacity unit='MiB'>1</capacity></volume>`,
  );
  made.push(name);
  const path = await manager.connection.storage.volumes.getPath(ref);
  return { role: 'disk', pool: 'default-pool', name, path, key: ref.key };
}
const made: string[] = [];

afterAll(async () => {
  const volumes = manager.connection.storage.volumes;
  // Teardown of the VMs deleted the ones still recorded.
  for (const name of made)
    await volumes.lookup('default-pool', name).then(
      (ref) => volumes.delete(ref),
      () => undefined,
    );
});

describe('revert and the ownership record (test driver)', () => {
  it('volumes recorded after the snapshot stay recorded, marked as left by the revert; one gone meanwhile does not come back', async () => {
    const domain = await vms.create('rev-rec');
    const [disk] = (await record(domain))!;
    await manager.createSnapshot(domain, { name: 'base' });
    const later = await volume(`${domain.name}-later.qcow2`);
    const gone = await volume(`${domain.name}-gone.qcow2`);
    await rewrite(domain, (volumes) => [...volumes, later, gone]);
    const volumes = manager.connection.storage.volumes;
    await volumes.delete(await volumes.lookup('default-pool', gone.name!));
    await manager.revertSnapshot(domain, 'base');
    expect(await record(domain)).toEqual([disk, `${later.name}@revert`].sort());
  });

  it('a volume taken out of the record after the snapshot (handed to the caller) does not come back with the revert', async () => {
    const domain = await vms.create('rev-kept');
    const [disk] = (await record(domain))!;
    const handed = await volume(`${domain.name}-handed.qcow2`);
    await rewrite(domain, (volumes) => [...volumes, handed]);
    await manager.createSnapshot(domain, { name: 'with-it' });
    await rewrite(domain, (volumes) => volumes.filter((v) => v.name !== handed.name));
    await manager.revertSnapshot(domain, 'with-it');
    expect(await record(domain)).toEqual([disk]);
  });

  it('a revert that changed no record leaves it as it was', async () => {
    const domain = await vms.create('rev-same');
    const before = await manager.connection.domains.getXml(domain, { inactive: true });
    await manager.createSnapshot(domain, { name: 's' });
    await manager.revertSnapshot(domain, 's');
    expect(await record(domain)).toEqual(
      parseOwnership(before)!
        .volumes.map((v) => v.name)
        .sort(),
    );
  });

  it('a VM the SDK did not create (no record) gets none', async () => {
    const name = vms.name('rev-none');
    const domain = await manager.connection.domains.control.define(
      `<domain type='test'><name>${name}</name><memory unit='MiB'>128</memory><os><type>hvm</type></os>` +
        `<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/var/lib/lvm-none/${name}.qcow2'/><target dev='vda' bus='virtio'/></disk></devices></domain>`,
    );
    await manager.createSnapshot(domain, { name: 's' });
    await manager.revertSnapshot(domain, 's');
    expect(await record(domain)).toBeNull();
  });
});
