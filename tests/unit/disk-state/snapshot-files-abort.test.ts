/**
 * An external snapshot's overlay whose create call is cut short (aborted or
 * timed out while libvirt made the volume anyway): the failed snapshot must
 * delete it, as it deletes the overlays it knows it made. Against the fake
 * daemon, a shut-off VM with one raw disk in a pool.
 */
import { describe, expect, it } from 'vitest';
import { SnapshotManager } from '../../../src/disk-state/index.js';
import { AbortError } from '../../../src/errors/index.js';
import { DOMAIN_SNAPSHOT_LOOKUP_BY_NAME, STORAGE_VOL_CREATE_XML } from '../../../src/rpc/protocol/index.js';
import { buildStorageVolumeXml } from '../../../src/xml/index.js';
import { type FakeHost, fakeHost } from '../../helpers/fake-host.js';

const XML = `<domain type='kvm'><name>vm1</name><memory>65536</memory><os><type>hvm</type></os><devices>
<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/srv/p/vm1.img'/><target dev='vda' bus='virtio'/></disk>
</devices></domain>`;

async function host(): Promise<FakeHost> {
  const fake = await fakeHost({
    setup: (hv) => {
      hv.addPool('p', '/srv/p');
      hv.addDomain({ name: 'vm1', state: 'shutoff', xml: XML });
    },
  });
  await fake.conn.storage.volumes.create('p', buildStorageVolumeXml({ name: 'vm1.img', capacity: 1n << 20n, target: { format: 'raw' } }));
  // No snapshot of that name (libvirt's VIR_ERR_NO_DOMAIN_SNAPSHOT).
  fake.daemon.handle(DOMAIN_SNAPSHOT_LOOKUP_BY_NAME, () => ({ error: { code: 72, domain: 10, message: 'no snapshot' } }));
  return fake;
}

const volumesOf = (fake: FakeHost): string[] => [...fake.hv.volumes.values()].map((v) => v.name).sort();

describe('createSnapshot: an overlay whose create was cut short', () => {
  it('an abort while libvirt makes the overlay: the overlay is deleted', async () => {
    const fake = await host();
    const controller = new AbortController();
    fake.hang(STORAGE_VOL_CREATE_XML, { completeAnyway: true, onArrival: () => controller.abort() });
    await expect(
      new SnapshotManager(fake.conn).create('vm1', { name: 's1', disks: 'external', signal: controller.signal }),
    ).rejects.toBeInstanceOf(AbortError);
    expect(volumesOf(fake)).toEqual(['vm1.img']);
  });

  it('a timeout while libvirt makes the overlay: the overlay is deleted', async () => {
    const fake = await host();
    fake.hang(STORAGE_VOL_CREATE_XML, { completeAnyway: true });
    await expect(new SnapshotManager(fake.conn).create('vm1', { name: 's1', disks: 'external', timeout: 500 })).rejects.toMatchObject({
      code: 'ERR_LIBVIRT_TIMEOUT',
    });
    expect(volumesOf(fake)).toEqual(['vm1.img']);
  });
});
