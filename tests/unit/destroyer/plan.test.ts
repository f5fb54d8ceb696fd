import { describe, expect, it } from 'vitest';
import { planVolumes } from '../../../src/destroyer/index.js';
import type { DiskDevice, DomainModel } from '../../../src/xml/index.js';

const file = (path: string, dev: string, extra: Partial<DiskDevice> = {}): DiskDevice => ({
  type: 'file',
  device: 'disk',
  source: { file: path },
  target: { dev, bus: 'virtio' },
  ...extra,
});

function domain(disks: DiskDevice[], owned: { path?: string; pool?: string; name?: string; role: string }[] = [], cloudInit?: { path: string }): DomainModel {
  return {
    type: 'qemu',
    name: 'vm',
    memory: 64n * 1024n * 1024n,
    os: { type: 'hvm' },
    devices: { disks },
    metadata: {
      ownership: { createdAt: '2026-01-01T00:00:00.000Z', sdkVersion: '0.1.0', volumes: owned, ...(cloudInit === undefined ? {} : { cloudInit }) },
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
  const model = domain(disks, [{ role: 'disk', path: '/p/root.qcow2', pool: 'p', name: 'root.qcow2' }], { path: '/p/seed.iso' });

  it("'owned' deletes only what the ownership record lists, including detached ones", () => {
    const plan = planVolumes(model, 'owned');
    expect(plan.delete.map((v) => v.path)).toEqual(['/p/root.qcow2', '/p/seed.iso']);
    expect(plan.delete[0]).toMatchObject({ owned: true, role: 'disk', target: 'vda' });
    expect(plan.delete[1]).toMatchObject({ owned: true, role: 'cloud-init' });
    expect(plan.keep.every((k) => k.reason === 'not-owned')).toBe(true);
    expect(plan.keep.map((k) => k.volume.target)).toEqual(['vdb', 'vdc', 'vdd', 'sda', 'vde']);
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

  it('never deletes a backing image that is not owned, even under all-safe', () => {
    const overlay = file('/p/overlay.qcow2', 'vda', { backingStore: { type: 'file', format: 'qcow2', source: { file: '/p/base.qcow2' } } });
    const base = file('/p/base.qcow2', 'vdb');
    const plan = planVolumes(domain([overlay, base]), 'all-safe');
    expect(plan.delete.map((v) => v.path)).toEqual(['/p/overlay.qcow2']);
    expect(plan.keep).toEqual([expect.objectContaining({ reason: 'backing-image', volume: expect.objectContaining({ path: '/p/base.qcow2' }) })]);
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
