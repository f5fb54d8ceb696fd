import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, InvalidStateError, UnsupportedError } from '../../../src/connection/internal.js';
import { planSnapshot } from '../../../src/disk-state/snapshots/plan.js';
import { asForest } from '../../../src/disk-state/snapshots/list.js';
import { checkSnapshotRequest } from '../../../src/disk-state/snapshots/options.js';
import type { SnapshotInfo } from '../../../src/disk-state/index.js';
import type { DiskDevice, DomainModel } from '../../../src/xml/index.js';

const disk = (dev: string, format: string, extra: Partial<DiskDevice> = {}): DiskDevice => ({
  type: 'file',
  device: 'disk',
  driver: { name: 'qemu', type: format },
  source: { file: `/p/${dev}.img` },
  target: { dev, bus: 'virtio' },
  ...extra,
});

const vm = (disks: DiskDevice[], pflash = false): DomainModel =>
  ({
    type: 'kvm',
    name: 'vm',
    memory: 1n << 30n,
    os: { type: 'hvm', ...(pflash ? { loader: { type: 'pflash', path: '/OVMF_CODE.fd' } } : {}) },
    devices: { disks },
  }) as DomainModel;

const RUNNING = { active: true, agentConnected: false };
const OFF = { active: false, agentConnected: false };

describe('planSnapshot (what libvirt 9.0 accepts, decided before anything is sent)', () => {
  it('defaults: internal with memory for qcow2 disks of a running VM; external for raw disks or UEFI; no memory when shut off', () => {
    const cdrom = disk('sda', 'raw', { device: 'cdrom', readonly: true, target: { dev: 'sda', bus: 'scsi' } });
    expect(planSnapshot(vm([disk('vda', 'qcow2'), cdrom]), { name: 's' }, RUNNING)).toMatchObject({
      kind: 'internal',
      memory: true,
      quiesce: false,
    });
    expect(planSnapshot(vm([disk('vda', 'qcow2'), cdrom]), { name: 's' }, RUNNING).disks.map((d) => d.disk.target.dev)).toEqual(['vda']);
    expect(planSnapshot(vm([disk('vda', 'qcow2'), disk('vdb', 'raw')]), { name: 's' }, RUNNING)).toMatchObject({ kind: 'external' });
    expect(planSnapshot(vm([disk('vda', 'qcow2')], true), { name: 's' }, OFF)).toMatchObject({ kind: 'external', memory: false });
  });

  it('quiesce: auto only for a disk-only external snapshot with the agent connected; required refuses otherwise', () => {
    const agent = { active: true, agentConnected: true };
    const v = vm([disk('vda', 'qcow2')]);
    expect(planSnapshot(v, { name: 's', disks: 'external', memory: false }, agent).quiesce).toBe(true);
    expect(planSnapshot(v, { name: 's', disks: 'external' }, agent).quiesce).toBe(false);
    expect(planSnapshot(v, { name: 's', disks: 'external', memory: false, quiesce: 'off' }, agent).quiesce).toBe(false);
    expect(() => planSnapshot(v, { name: 's', quiesce: 'required' }, agent)).toThrow(InvalidArgumentError);
    expect(() => planSnapshot(v, { name: 's', disks: 'external', quiesce: 'required' }, agent)).toThrow(InvalidArgumentError);
    expect(() => planSnapshot(v, { name: 's', disks: 'external', memory: false, quiesce: 'required' }, RUNNING)).toThrow(InvalidStateError);
  });

  it('refusals with the path of the option at fault', () => {
    const v = vm([disk('vda', 'qcow2'), disk('vdb', 'raw')]);
    const path = (f: () => unknown): unknown => {
      try {
        f();
      } catch (e) {
        return e instanceof InvalidArgumentError ? e.path : e;
      }
      return 'no error';
    };
    expect(path(() => planSnapshot(v, { name: 's', disks: 'internal' }, OFF))).toBe('disks.vdb');
    expect(path(() => planSnapshot(v, { name: 's', disks: { vda: 'internal', vdb: 'external' } }, OFF))).toBe('disks');
    expect(path(() => planSnapshot(v, { name: 's', disks: { vdz: 'external' } }, OFF))).toBe('disks.vdz');
    expect(path(() => planSnapshot(v, { name: 's', disks: { vda: 'internal' } }, RUNNING))).toBe('disks.vdb');
    expect(path(() => planSnapshot(v, { name: 's', memory: true }, OFF))).toBe('memory');
    expect(() => planSnapshot(vm([disk('vda', 'qcow2')], true), { name: 's', disks: 'internal' }, OFF)).toThrow(UnsupportedError);
  });

  it('checks the request itself', () => {
    expect(checkSnapshotRequest('createSnapshot', { name: 'ok' })).toBe(300_000);
    expect(checkSnapshotRequest('deleteSnapshot', { name: 'ok', timeout: 5 })).toBe(5);
    expect(() => checkSnapshotRequest('createSnapshot', { name: 'a/b' })).toThrow(InvalidArgumentError);
    expect(() => checkSnapshotRequest('revertSnapshot', { name: 'a', running: true, paused: true })).toThrow(InvalidArgumentError);
  });
});

describe('asForest', () => {
  const info = (name: string, parent: string | undefined, at: number): SnapshotInfo => ({
    name,
    description: undefined,
    parent,
    children: [],
    current: false,
    state: 'shutoff',
    kind: 'internal',
    memory: 'no',
    memoryFile: undefined,
    disks: [],
    createdAt: new Date(at * 1000),
  });

  it('depth-first, siblings oldest first then by name, children filled in', () => {
    const forest = asForest([info('c', 'a', 3), info('b', 'a', 2), info('a', undefined, 1), info('d', 'b', 4), info('r2', undefined, 1)]);
    expect(forest.map((s) => [s.name, s.children])).toEqual([
      ['a', ['b', 'c']],
      ['b', ['d']],
      ['d', []],
      ['c', []],
      ['r2', []],
    ]);
  });
});
