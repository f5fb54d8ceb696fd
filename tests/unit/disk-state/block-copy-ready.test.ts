/**
 * A block copy without a pivot (`pivot: false`) leaves its mirror running
 * into the volume the SDK made, by design: a step that fails after READY
 * must not delete that volume under the running mirror (a later pivot would
 * put the disk on a deleted file). Against the fake daemon.
 */
import { describe, expect, it } from 'vitest';
import { BlockJobManager } from '../../../src/disk-state/index.js';
import {
  DOMAIN_BLOCK_COPY,
  DOMAIN_BLOCK_JOB_ABORT,
  DOMAIN_GET_BLOCK_INFO,
  DOMAIN_GET_BLOCK_JOB_INFO,
  DOMAIN_GET_XML_DESC,
} from '../../../src/rpc/protocol/index.js';
import { buildStorageVolumeXml } from '../../../src/xml/index.js';
import { fakeHost } from '../../helpers/fake-host.js';

const XML = `<domain type='kvm'><name>vm1</name><memory>65536</memory><os><type>hvm</type></os><devices>
<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/srv/p/vm1.qcow2'/><target dev='vda' bus='virtio'/></disk>
</devices></domain>`;

describe('block copy with pivot: false', () => {
  it('a failure after READY keeps the volume the running mirror writes to', async () => {
    const fake = await fakeHost({
      setup: (hv) => {
        hv.addPool('p', '/srv/p');
        hv.addDomain({ name: 'vm1', state: 'running', xml: XML });
      },
    });
    await fake.conn.storage.volumes.create(
      'p',
      buildStorageVolumeXml({ name: 'vm1.qcow2', capacity: 1n << 20n, target: { format: 'qcow2' } }),
    );
    let copying = false;
    let aborts = 0;
    fake.daemon.handle(DOMAIN_GET_BLOCK_INFO, () => ({ ok: { allocation: 0n, capacity: 1n << 20n, physical: 0n } }));
    fake.daemon.handle(DOMAIN_BLOCK_COPY, () => ((copying = true), { ok: undefined }));
    fake.daemon.handle(DOMAIN_BLOCK_JOB_ABORT, () => ((aborts++, (copying = false)), { ok: undefined }));
    // The mirror is in sync (READY: cur === end); the next read of the live XML then fails (a passing fault).
    fake.daemon.handle(DOMAIN_GET_BLOCK_JOB_INFO, () => {
      if (!copying) return { ok: { found: 0, type: 0, bandwidth: 0n, cur: 0n, end: 0n } };
      fake.fail(DOMAIN_GET_XML_DESC);
      return { ok: { found: 1, type: 2, bandwidth: 0n, cur: 100n, end: 100n } };
    });
    const jobs = new BlockJobManager(fake.conn, { pollInterval: 50 });
    await expect(jobs.copy('vm1', { disk: 'vda', to: { pool: 'p', name: 'vm1-copy.qcow2' }, pivot: false })).rejects.toThrow(
      /injected failure of DOMAIN_GET_XML_DESC/,
    );
    expect(aborts).toBe(0);
    expect([...fake.hv.volumes.values()].map((v) => v.name).sort()).toEqual(['vm1-copy.qcow2', 'vm1.qcow2']);
  });
});
