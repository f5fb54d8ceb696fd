import { describe, expect, it } from 'vitest';
import { planVolumes } from '../../../src/destroyer/internal.js';
import type { DiskDevice, DomainModel } from '../../../src/xml/index.js';

const file = (path: string, dev: string, extra: Partial<DiskDevice> = {}): DiskDevice => ({
  type: 'file',
  device: 'disk',
  source: { file: path },
  target: { dev, bus: 'virtio' },
  ...extra,
});

const UUID = '6695eb01-f6a4-8304-79aa-97f2502e1930';
const OTHER_UUID = 'a1b2c3d4-0000-4000-8000-000000000001';

type Owned = { path?: string; pool?: string; name?: string; role: string; key?: string };

function domain(
  disks: DiskDevice[],
  owned: Owned[] = [],
  cloudInit?: { path: string; key?: string; contentHash?: string },
  recordFor: string | null = UUID,
): DomainModel {
  return {
    type: 'qemu',
    name: 'vm',
    uuid: UUID,
    memory: 64n * 1024n * 1024n,
    os: { type: 'hvm' },
    devices: { disks },
    metadata: {
      ownership: {
        createdAt: '2026-01-01T00:00:00.000Z',
        sdkVersion: '0.2.0',
        ...(recordFor === null ? {} : { domainUuid: recordFor }),
        volumes: owned,
        ...(cloudInit === undefined ? {} : { cloudInit }),
      },
    },
  } as DomainModel;
}

describe('planVolumes', () => {
  const disks = [
    file('/p/root.qcow2', 'vda'),
    file('/p/data.raw', 'vdb'),
    file('/p/shared.raw', 'vdc', { shareable: true }),
    file('/p/ro.raw', 'vdd', { readonly: true }),
    file('/isos/debian.iso', 'sda', { device: 'cdrom', readonly: true, target: { dev: 'sda', bus: 'scsi' } }),
    { type: 'network', device: 'disk', source: {}, target: { dev: 'vde' } } as DiskDevice,
    { type: 'file', device: 'cdrom', target: { dev: 'sdb', bus: 'scsi' } } as DiskDevice, // empty drive
  ];
  const model = domain(disks, [{ role: 'disk', path: '/p/root.qcow2', pool: 'p', name: 'root.qcow2', key: '/p/root.qcow2' }], {
    path: '/p/seed.iso',
    key: '/p/seed.iso',
    contentHash: `sha256:${'ab'.repeat(32)}`,
  });

  it("'owned' deletes only what the ownership record lists, including detached ones recorded with their key", () => {
    const plan = planVolumes(model, 'owned');
    expect(plan.delete.map((v) => v.path)).toEqual(['/p/root.qcow2', '/p/seed.iso']);
    expect(plan.delete[0]).toMatchObject({ owned: true, role: 'disk', target: 'vda', key: '/p/root.qcow2' });
    expect(plan.delete[1]).toMatchObject({ owned: true, role: 'cloud-init', key: '/p/seed.iso' });
    expect(plan.keep.every((k) => k.reason === 'not-owned')).toBe(true);
    expect(plan.keep.map((k) => k.volume.target)).toEqual(['vdb', 'vdc', 'vdd', 'sda', 'vde']);
  });

  it('a recorded volume that is not attached and has no key (or no domain UUID) is kept, with the reason', () => {
    for (const plan of [
      planVolumes(domain([], [{ role: 'disk', path: '/p/victim.raw', pool: 'p', name: 'victim.raw' }]), 'owned'),
      planVolumes(
        domain([], [{ role: 'disk', path: '/p/victim.raw', pool: 'p', name: 'victim.raw', key: '/p/victim.raw' }], undefined, null),
        'all-safe',
      ),
    ]) {
      expect(plan.delete).toEqual([]);
      expect(plan.keep).toEqual([
        expect.objectContaining({ reason: 'ownership-unverified', volume: expect.objectContaining({ path: '/p/victim.raw' }) }),
      ]);
      expect(plan.keep[0]!.detail).toMatch(/not attached/);
    }
  });

  it("a record written for another domain's UUID (copied XML) is not believed: attached disks are not owned, unattached ones kept", () => {
    const copied = domain(
      [file('/p/root.qcow2', 'vda')],
      [
        { role: 'disk', path: '/p/root.qcow2', key: '/p/root.qcow2' },
        { role: 'disk', path: '/p/elsewhere.raw', key: '/p/elsewhere.raw' },
      ],
      undefined,
      OTHER_UUID,
    );
    const owned = planVolumes(copied, 'owned');
    expect(owned.delete).toEqual([]);
    expect(owned.keep.map((k) => [k.volume.path, k.reason, k.volume.owned])).toEqual([
      ['/p/root.qcow2', 'ownership-unverified', false],
      ['/p/elsewhere.raw', 'ownership-unverified', false],
    ]);
    expect(owned.keep[0]!.detail).toContain(OTHER_UUID);
    // Under 'all-safe' the attached disk goes as any plain disk would; the unattached one still stays.
    const safe = planVolumes(copied, 'all-safe');
    expect(safe.delete).toEqual([expect.objectContaining({ path: '/p/root.qcow2', owned: false })]);
    expect(safe.keep).toEqual([expect.objectContaining({ reason: 'ownership-unverified' })]);
  });

  it('matches a recorded path however the disk spells it (// and /./)', () => {
    const plan = planVolumes(
      domain([file('//p/./root.qcow2', 'vda')], [{ role: 'disk', path: '/p/root.qcow2', key: '/p/root.qcow2' }]),
      'owned',
    );
    expect(plan.delete).toEqual([expect.objectContaining({ path: '//p/./root.qcow2', owned: true })]);
    expect(plan.keep).toEqual([]);
  });

  it("'all-safe' adds plain disks but keeps shareable, read-only, removable and unmanaged ones", () => {
    const plan = planVolumes(model, 'all-safe');
    expect(plan.delete.map((v) => v.path)).toEqual(['/p/root.qcow2', '/p/data.raw', '/p/seed.iso']);
    expect(Object.fromEntries(plan.keep.map((k) => [k.volume.target, k.reason]))).toEqual({
      vdc: 'shareable',
      vdd: 'read-only',
      sda: 'removable-media',
      vde: 'unmanaged',
    });
  });

  it("'none' keeps everything", () => {
    const plan = planVolumes(model, 'none');
    expect(plan.delete).toEqual([]);
    expect(plan.keep.every((k) => k.reason === 'policy-none')).toBe(true);
  });

  it('matches owned volumes given as pool + volume disks', () => {
    const vol: DiskDevice = { type: 'volume', device: 'disk', source: { pool: 'p', volume: 'v1' }, target: { dev: 'vda' } };
    const plan = planVolumes(domain([vol], [{ role: 'disk', pool: 'p', name: 'v1' }]), 'owned');
    expect(plan.delete).toEqual([{ pool: 'p', name: 'v1', role: 'disk', target: 'vda', owned: true }]);
  });

  it('a domain without an ownership record owns nothing', () => {
    const bare = { ...model, metadata: {} } as DomainModel;
    expect(planVolumes(bare, 'owned').delete).toEqual([]);
  });
});

describe('planVolumes with snapshots (backing chains, snapshot files)', () => {
  /** vda on an overlay the SDK made for a snapshot, over `below` (top first). */
  const onOverlay = (below: { path?: string; pool?: string; volume?: string }[]): DiskDevice => {
    let store: DiskDevice['backingStore'] = {};
    for (const layer of [...below].reverse()) store = { type: 'file', format: 'qcow2', source: { ...layer }, backingStore: store };
    return file('/p/vm-vda.s1.qcow2', 'vda', { backingStore: store });
  };
  const overlay = { role: 'overlay', path: '/p/vm-vda.s1.qcow2', pool: 'p', name: 'vm-vda.s1.qcow2', key: '/p/vm-vda.s1.qcow2' };

  it('deletes an owned image below an owned overlay (found by pool and volume, as libvirt writes the chain)', () => {
    const model = domain(
      [onOverlay([{ pool: 'p', volume: 'root.qcow2' }])],
      [{ role: 'disk', pool: 'p', name: 'root.qcow2', path: '/p/root.qcow2' }, overlay],
    );
    const plan = planVolumes(model, 'owned');
    expect(plan.delete.map((v) => v.path).sort()).toEqual(['/p/root.qcow2', '/p/vm-vda.s1.qcow2']);
    expect(plan.keep).toEqual([]);
  });

  it('never an image below a layer the SDK does not own, nor a base it did not make', () => {
    // root (owned) ← user.qcow2 (not owned) ← overlay (owned): root sits under a layer the SDK may not delete.
    const model = domain(
      [onOverlay([{ path: '/p/user.qcow2' }, { path: '/p/root.qcow2' }])],
      [{ role: 'disk', path: '/p/root.qcow2', key: '/p/root.qcow2' }, overlay],
    );
    const plan = planVolumes(model, 'owned');
    expect(plan.delete.map((v) => v.path)).toEqual(['/p/vm-vda.s1.qcow2']);
    expect(plan.keep.map((k) => [k.volume.path, k.reason])).toEqual([['/p/root.qcow2', 'ownership-unverified']]);
    // A base nobody recorded is not in the plan at all.
    const foreign = planVolumes(domain([onOverlay([{ path: '/p/base.qcow2' }])], [overlay]), 'owned');
    expect(foreign.delete.map((v) => v.path)).toEqual(['/p/vm-vda.s1.qcow2']);
  });

  it("deletes a snapshot's memory file (or a left-over overlay) by its key; not without the key or the domain's UUID", () => {
    const memory = { role: 'memory', path: '/p/vm.s1.mem', pool: 'p', name: 'vm.s1.mem', key: '/p/vm.s1.mem' };
    expect(planVolumes(domain([file('/p/root.qcow2', 'vda')], [memory]), 'owned').delete.map((v) => v.path)).toEqual(['/p/vm.s1.mem']);
    const { key: _key, ...keyless } = memory;
    expect(planVolumes(domain([file('/p/root.qcow2', 'vda')], [keyless]), 'owned').keep.map((k) => k.reason)).toContain(
      'ownership-unverified',
    );
    expect(planVolumes(domain([file('/p/root.qcow2', 'vda')], [memory], undefined, null), 'owned').delete).toEqual([]);
  });

  it('deletes a disk volume a revert took off the VM (leftBy revert) by its key; a detached disk volume without the mark stays', () => {
    const vdb = { role: 'disk', path: '/p/vm-vdb.qcow2', pool: 'p', name: 'vm-vdb.qcow2', key: '/p/vm-vdb.qcow2' };
    const left = { ...vdb, leftBy: 'revert' };
    expect(planVolumes(domain([file('/p/root.qcow2', 'vda')], [left]), 'owned').delete.map((v) => v.path)).toEqual(['/p/vm-vdb.qcow2']);
    expect(planVolumes(domain([file('/p/root.qcow2', 'vda')], [vdb]), 'owned').delete).toEqual([]);
    const { key: _key, ...keyless } = left;
    expect(planVolumes(domain([file('/p/root.qcow2', 'vda')], [keyless]), 'owned').delete).toEqual([]);
    expect(planVolumes(domain([file('/p/root.qcow2', 'vda')], [left], undefined, null), 'owned').delete).toEqual([]);
  });
});
