/**
 * The 226-device cap against a real libvirtd: a spec at the cap is defined
 * through VmCreator on the test driver and on the QEMU driver, where libvirt
 * places every device on a PCIe root port of a q35 machine (with the seed
 * cdrom, a VNC console, a NIC and every default device on: the case the cap
 * was measured on). One device more is refused before anything is made.
 * Only defined, never started: `existing` disks point at paths that need not
 * exist until the VM boots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, LibvirtConnection } from '../../../src/connection/internal.js';
import { VmCreator, type DiskSpec, type VmSpec } from '../../../src/creator/internal.js';
import { MAX_VM_DEVICES } from '../../../src/creator/limits.js';
import { parseDomainXml } from '../../../src/xml/index.js';
import { QEMU_URI, TEST_URI, virsh, virshQuiet } from '../../helpers/libvirt.js';
import { type TempPool, tempPool } from '../../helpers/pool.js';
import { PREFIX, ourDomains, rejection, removeDomain } from './helpers.js';

const existing = (n: number): DiskSpec[] =>
  Array.from({ length: n }, (_, i) => ({ kind: 'existing', path: `/srv/${PREFIX}-cap/d${i}.img` }));

describe('a spec at the device cap on the test driver', () => {
  let conn: LibvirtConnection;
  beforeAll(async () => {
    conn = await LibvirtConnection.connect(TEST_URI);
  });
  afterAll(async () => {
    for (const name of ourDomains(TEST_URI)) removeDomain(TEST_URI, name);
    await conn?.close();
  });

  it(`defines ${MAX_VM_DEVICES - 1} disks and a NIC, and refuses one device more with nothing made`, async () => {
    const name = `${PREFIX}-cap-test`;
    const spec: VmSpec = { name, memory: '128MiB', disks: existing(MAX_VM_DEVICES - 1), networks: [{ network: 'default' }] };
    const { domain } = await new VmCreator(conn).create(spec);
    const model = parseDomainXml(virsh(TEST_URI, 'dumpxml', name));
    expect(model.devices?.disks).toHaveLength(MAX_VM_DEVICES - 1);
    expect(new Set(model.devices?.disks?.map((d) => d.target.dev)).size).toBe(MAX_VM_DEVICES - 1);
    expect(model.devices?.interfaces).toHaveLength(1);
    expect(domain.name).toBe(name);

    const over = `${PREFIX}-cap-test-over`;
    const error = await rejection(
      new VmCreator(conn).create({ ...spec, name: over, networks: [{ network: 'default' }, { network: 'default' }] }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).path).toBe('networks');
    expect(ourDomains(TEST_URI)).toEqual([name]);
  });
});

describe('a spec at the device cap on the QEMU driver (q35, every default device, seed, VNC)', () => {
  let conn: LibvirtConnection;
  let pool: TempPool;
  beforeAll(async () => {
    conn = await LibvirtConnection.connect(QEMU_URI);
    pool = await tempPool(conn, `${PREFIX}-cap`);
  });
  afterAll(async () => {
    for (const name of ourDomains(QEMU_URI)) removeDomain(QEMU_URI, name);
    await pool?.remove();
    await conn?.close();
  });

  const spec = (name: string, disks: number): VmSpec => ({
    name,
    memory: '128MiB',
    virtType: 'qemu',
    disks: existing(disks),
    networks: [{ user: true }],
    cloudInit: { pool: pool.name, user: { name: 'ops' } },
    graphics: 'vnc',
  });

  it(`libvirt places all ${MAX_VM_DEVICES} devices on PCIe root ports; one more is refused before anything is made`, async () => {
    const name = `${PREFIX}-cap-qemu`;
    const { created } = await new VmCreator(conn).create(spec(name, MAX_VM_DEVICES - 1));
    const xml = virsh(QEMU_URI, 'dumpxml', name);
    const model = parseDomainXml(xml);
    expect(model.os.machine).toMatch(/q35/);
    expect(model.devices?.disks).toHaveLength(MAX_VM_DEVICES); // and the seed cdrom
    expect(model.devices?.interfaces).toHaveLength(1);
    // libvirt gave every virtio disk and the NIC a root port: the q35 topology is full but for its one spare.
    expect(xml.match(/model='pcie-root-port'/g)?.length).toBeGreaterThanOrEqual(MAX_VM_DEVICES);
    expect(created.volumes).toEqual([]);
    expect(created.seed).toBeDefined();

    const over = `${PREFIX}-cap-qemu-over`;
    const volumes = virsh(QEMU_URI, 'vol-list', '--pool', pool.name);
    const error = await rejection(new VmCreator(conn).create(spec(over, MAX_VM_DEVICES)));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).path).toBe('networks');
    expect(ourDomains(QEMU_URI)).toEqual([name]);
    expect(virsh(QEMU_URI, 'vol-list', '--pool', pool.name)).toBe(volumes);
    virshQuiet(QEMU_URI, 'undefine', name);
  });
});
