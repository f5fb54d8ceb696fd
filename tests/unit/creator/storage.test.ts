/**
 * Storage planning (names, paths, overlays, clones, uploads, free space),
 * disk placement, the seed plan, and the ownership record's version.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SDK_VERSION, validateSpec, volumeKey, type VmSpec } from '../../../src/creator/internal.js';
import { resolvePlatform } from '../../../src/creator/defaults.js';
import { diskLetters, placeDisks } from '../../../src/creator/placement.js';
import { planCreate } from '../../../src/creator/plan.js';
import { planSeed } from '../../../src/creator/seed.js';
import { checkFreeSpace, detectImageFormat, planDisks } from '../../../src/creator/storage.js';
import { parseStorageVolumeXml } from '../../../src/xml/index.js';
import { readIso } from '../cloud-init/iso-reader.js';
import { BASE, POOL, qemuFacts, refusal } from './helpers.js';

const UUID = '0e9f7a36-4b8e-4d0c-9b38-3c7a1a5e2f10';
const plan = (spec: Partial<VmSpec>, facts = qemuFacts()) =>
  planCreate(validateSpec({ name: 'vm1', memory: '1GiB', ...spec }, { uuid: UUID }), facts);

describe('volume plans', () => {
  it('names volumes after the VM and predicts their paths in the pool', () => {
    const p = plan({
      disks: [
        { kind: 'new', pool: 'default', size: '1GiB' },
        { kind: 'new', pool: 'default', size: '1GiB', format: 'raw' },
        { kind: 'existing', path: '/a' },
      ],
    });
    expect(p.volumes.map((v) => [v.step, v.name, v.predictedPath, v.format])).toEqual([
      ['volume:disks[0]', 'vm1-disk0.qcow2', '/var/lib/libvirt/images/vm1-disk0.qcow2', 'qcow2'],
      ['volume:disks[1]', 'vm1-disk1.img', '/var/lib/libvirt/images/vm1-disk1.img', 'raw'],
    ]);
    expect(parseStorageVolumeXml(p.volumes[0]!.xml)).toMatchObject({
      name: 'vm1-disk0.qcow2',
      capacity: 1n << 30n,
      allocation: 0n,
      target: { format: 'qcow2', compat: '1.1' },
    });
    // Raw has no compat level; qcow2 is v3 so its disks can hold checkpoints' dirty bitmaps.
    expect(parseStorageVolumeXml(p.volumes[1]!.xml).target?.compat).toBeUndefined();
  });

  it('writes an overlay with the base as backing store, sized like the base by default', () => {
    const p = plan({ disks: [{ kind: 'overlay', pool: 'default', base: { pool: 'default', volume: 'debian-12.qcow2' } }] });
    const v = p.volumes[0]!;
    expect(v).toMatchObject({ role: 'overlay', format: 'qcow2', writes: 0n });
    expect(parseStorageVolumeXml(v.xml)).toMatchObject({
      capacity: BASE.capacity,
      backingStore: { path: BASE.path, format: 'qcow2' },
      target: { format: 'qcow2', compat: '1.1' },
    });
  });

  it('accepts a base outside any pool given its format and size', () => {
    const p = plan({ disks: [{ kind: 'overlay', pool: 'default', base: '/srv/base.img', baseFormat: 'raw', size: '3GiB' }] });
    expect(parseStorageVolumeXml(p.volumes[0]!.xml)).toMatchObject({
      capacity: 3n << 30n,
      backingStore: { path: '/srv/base.img', format: 'raw' },
    });
  });

  it('counts a clone by the allocation of its source and keeps its format', () => {
    const p = plan({ disks: [{ kind: 'clone', pool: 'default', source: BASE.path, reflink: true }] });
    expect(p.volumes[0]).toMatchObject({ format: 'qcow2', writes: BASE.allocation, cloneOf: { source: null, reflink: true } });
  });

  it('creates an upload as a raw file of the image size and reads it as the detected format', () => {
    const facts = qemuFacts({ uploads: { 0: { size: 5_000_000n, format: 'qcow2' } } });
    const p = plan({ disks: [{ kind: 'upload', pool: 'default', source: '/home/me/disk.qcow2' }] }, facts);
    const v = p.volumes[0]!;
    expect(v).toMatchObject({
      name: 'vm1-disk0.qcow2',
      format: 'qcow2',
      writes: 5_000_000n,
      upload: { source: '/home/me/disk.qcow2', size: 5_000_000n, sparse: true },
    });
    expect(parseStorageVolumeXml(v.xml)).toMatchObject({ capacity: 5_000_000n, allocation: 0n, target: { format: 'raw' } });
  });

  it('uploads sparse unless the disk says sparse: false', () => {
    const facts = qemuFacts({ uploads: { 0: { size: 4096n, format: 'raw' } } });
    const thick = plan({ disks: [{ kind: 'upload', pool: 'default', source: '/home/me/disk.img', sparse: false }] }, facts);
    expect(thick.volumes[0]!.upload).toMatchObject({ sparse: false });
    const stream = plan({ disks: [{ kind: 'upload', pool: 'default', source: { data: new Uint8Array(8), size: 8 } }] });
    expect(stream.volumes[0]!.upload).toMatchObject({ size: 8n, sparse: true });
  });

  it('puts the seed in the first pool a disk names, after the disks', () => {
    const p = plan({ disks: [{ kind: 'new', pool: 'default', size: 1 << 20 }], cloudInit: {} });
    expect(p.volumes.map((v) => v.step)).toEqual(['volume:disks[0]', 'volume:cloudInit']);
    expect(p.seedVolume).toMatchObject({ role: 'cloud-init', pool: 'default', format: 'raw' });
    expect(p.seedVolume!.name).toBe(`vm1-cidata-${p.checked.seed!.seed.sha256.slice(0, 16)}.iso`);
  });

  it('refuses two disks that would make the same volume', () => {
    expect(
      refusal(() =>
        plan({
          disks: [
            { kind: 'new', pool: 'default', size: 1024, name: 'vm1-disk1.qcow2' },
            { kind: 'new', pool: 'default', size: 1024 },
          ],
        }),
      ).path,
    ).toBe('disks[1].name');
  });
});

describe('free space', () => {
  const v = (pool: string, writes: bigint, specPath: string) => ({
    step: `volume:${specPath}`,
    specPath,
    role: 'disk',
    pool,
    name: 'x',
    predictedPath: 'x',
    format: 'raw',
    xml: '',
    writes,
  });

  it('sums what each pool receives', () => {
    const pools = [
      { ...POOL, available: 100n },
      { name: 'other', available: 10n, active: true },
    ];
    expect(() =>
      checkFreeSpace([v('default', 60n, 'disks[0]'), v('other', 10n, 'disks[1]'), v('default', 40n, 'disks[2]')], pools),
    ).not.toThrow();
    expect(refusal(() => checkFreeSpace([v('default', 60n, 'disks[0]'), v('default', 41n, 'disks[1]')], pools)).path).toBe('disks[1].size');
    expect(refusal(() => checkFreeSpace([v('other', 11n, 'cloudInit')], pools)).path).toBe('cloudInit.pool');
  });

  it('reserves nothing for thin volumes', () => {
    expect(() => plan({ disks: [{ kind: 'new', pool: 'default', size: '100TiB' }] })).not.toThrow();
  });
});

describe('image format detection', () => {
  it('knows qcow2 by its magic and calls the rest raw', () => {
    expect(detectImageFormat(Buffer.from([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3]))).toBe('qcow2');
    expect(detectImageFormat(Buffer.from('KDMV'))).toBe('raw');
    expect(detectImageFormat(Buffer.alloc(2))).toBe('raw');
  });
});

describe('disk placement', () => {
  it('names devices like libvirt (a…z, aa…)', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(diskLetters)).toEqual(['a', 'b', 'z', 'aa', 'ab', 'az', 'ba', 'zz', 'aaa']);
  });

  it('gives each bus its own prefix, skips explicit targets and puts the seed last', () => {
    const checked = validateSpec({
      name: 'vm1',
      memory: '1GiB',
      disks: [
        { kind: 'existing', path: '/a', target: 'vda' },
        { kind: 'existing', path: '/b' },
        { kind: 'cdrom' },
        { kind: 'existing', path: '/c', bus: 'sata' },
        { kind: 'existing', path: '/d', bus: 'scsi', target: 'sdb' },
      ],
      cloudInit: {},
    });
    const placed = placeDisks(checked, resolvePlatform(checked, qemuFacts()));
    expect(placed.disks.map((d) => `${d.bus}:${d.target}`)).toEqual(['virtio:vda', 'virtio:vdb', 'scsi:sda', 'sata:sdc', 'scsi:sdb']);
    expect(placed.seed).toEqual({ bus: 'scsi', target: 'sdd' });
  });
});

describe('seed plan', () => {
  it('uses the domain UUID as instance-id and the VM name as host name', () => {
    const { seed } = planSeed({}, { name: 'web-1', uuid: UUID, start: false });
    expect(seed.instanceId).toBe(UUID);
    const files = readIso(seed.iso).rockRidge!;
    expect(JSON.parse(files.get('meta-data')!.toString())).toEqual({ 'instance-id': UUID, 'local-hostname': 'web-1' });
    expect(files.get('user-data')!.toString()).toBe('#cloud-config\n{}\n');
  });

  it('leaves the host name out when the VM name is not a valid one', () => {
    const { seed } = planSeed({}, { name: 'web_1', uuid: UUID, start: false });
    expect(JSON.parse(readIso(seed.iso).rockRidge!.get('meta-data')!.toString())).toEqual({ 'instance-id': UUID });
  });

  it('builds user-data from the shorthands', () => {
    const { seed } = planSeed({ hostname: 'h1', user: { name: 'ops', sudo: true } }, { name: 'vm', uuid: UUID, start: false });
    const userData = readIso(seed.iso).rockRidge!.get('user-data')!.toString();
    expect(userData.startsWith('#cloud-config\n')).toBe(true);
    expect(JSON.parse(userData.slice('#cloud-config\n'.length))).toEqual({
      hostname: 'h1',
      users: ['default', { name: 'ops', sudo: 'ALL=(ALL) NOPASSWD:ALL' }],
    });
  });

  it('keeps a meta-data string verbatim', () => {
    const { seed } = planSeed({ metaData: 'instance-id: mine\n' }, { name: 'vm', uuid: UUID, start: false });
    expect(seed.instanceId).toBeUndefined();
    expect(readIso(seed.iso).rockRidge!.get('meta-data')!.toString()).toBe('instance-id: mine\n');
  });
});

describe('ownership record', () => {
  it('carries the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(SDK_VERSION).toBe(pkg.version);
  });

  it('keys volume facts by location', () => {
    expect(volumeKey('/a')).not.toBe(volumeKey({ pool: '/a', volume: '' }));
    expect(planDisks(validateSpec({ name: 'vm1', memory: '1GiB' }), qemuFacts())).toEqual([]);
  });
});
