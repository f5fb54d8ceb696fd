import { describe, expect, it } from 'vitest';
import {
  XmlParseError,
  buildStoragePoolXml,
  buildStorageVolumeXml,
  normalizeXml,
  parseSize,
  parseStoragePoolXml,
  parseStorageVolumeXml,
  type StoragePoolModel,
  type StorageVolumeModel,
} from '../../../src/xml/index.js';
import { fixture, refusal } from './helpers.js';

describe('storage pool XML', () => {
  const pool: StoragePoolModel = {
    type: 'dir',
    name: 'vms',
    uuid: 'e3a4b1a8-94e5-489a-9d74-8868c3884c15',
    target: { path: '/srv/vms', permissions: { mode: '0711', owner: 107, group: 107, label: 'system_u:object_r:virt_image_t:s0' } },
  };

  it('builds a dir pool', () => {
    expect(normalizeXml(buildStoragePoolXml(pool))).toBe(
      normalizeXml(`<pool type="dir"><name>vms</name><uuid>e3a4b1a8-94e5-489a-9d74-8868c3884c15</uuid><target><path>/srv/vms</path>
        <permissions><mode>0711</mode><owner>107</owner><group>107</group><label>system_u:object_r:virt_image_t:s0</label></permissions></target></pool>`),
    );
    expect(parseStoragePoolXml(buildStoragePoolXml(pool))).toEqual(pool);
  });

  it('parses a QEMU-driver dir pool (sizes in bytes, empty <source> kept)', () => {
    const parsed = parseStoragePoolXml(fixture('qemu-pool-dir.xml'));
    expect(parsed).toMatchObject({
      type: 'dir',
      name: 'lvm-xmltest-pool',
      capacity: 270553174016n,
      allocation: 23871700992n,
      available: 246681473024n,
    });
    expect(parsed.target).toEqual({ path: '/tmp/lvmx/pool', permissions: { mode: '0755', owner: 0, group: 0 } });
    expect(parsed.extraElements).toEqual(['<source/>']);
    expect(normalizeXml(buildStoragePoolXml(parsed))).toBe(normalizeXml(fixture('qemu-pool-dir.xml')));
  });

  it('parses the test driver default pool', () => {
    expect(parseStoragePoolXml(fixture('test-pool-default.xml'))).toMatchObject({
      name: 'default-pool',
      uuid: 'dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566',
      target: { path: '/default-pool' },
    });
  });

  it('parses other pool types (name, type, target path; source kept raw)', () => {
    const xml = `<pool type='logical'><name>vg0</name><capacity unit='G'>10</capacity><source><name>vg0</name><format type='lvm2'/><device path='/dev/sdb'/></source><target><path>/dev/vg0</path></target></pool>`;
    const parsed = parseStoragePoolXml(xml);
    expect(parsed).toMatchObject({ type: 'logical', name: 'vg0', capacity: 10n * 1024n ** 3n, target: { path: '/dev/vg0' } });
    expect(parsed.extraElements?.[0]).toContain('<device path="/dev/sdb"/>');
    expect(parseStoragePoolXml(buildStoragePoolXml(parsed, { nameRule: 'libvirt' }))).toEqual(parsed);
  });

  it('refuses bad pools', () => {
    expect(refusal(() => buildStoragePoolXml({ type: 'dir', name: 'a/b', target: { path: '/x' } })).path).toBe('name');
    expect(refusal(() => buildStoragePoolXml({ type: 'dir', name: 'p' })).path).toBe('target.path');
    expect(refusal(() => buildStoragePoolXml({ type: 'dir', name: 'p', target: { path: 'relative' } })).path).toBe('target.path');
    expect(refusal(() => buildStoragePoolXml({ type: 'dir', name: 'p', target: { path: '/x', permissions: { mode: '999' } } })).path).toBe(
      'target.permissions.mode',
    );
    expect(refusal(() => buildStoragePoolXml({ type: 'dir', name: 'p', target: { path: '/x', permissions: { owner: -2 } } })).path).toBe(
      'target.permissions.owner',
    );
    expect(refusal(() => buildStoragePoolXml({ type: 'dir', name: 'p', capacity: -1n, target: { path: '/x' } })).path).toBe('capacity');
    expect(() => parseStoragePoolXml('<volume/>')).toThrow(XmlParseError);
    expect(() => parseStoragePoolXml("<pool type='dir'/>")).toThrow(/missing <name>/);
  });
});

describe('storage volume XML', () => {
  const overlay: StorageVolumeModel = {
    name: 'vm1.qcow2',
    capacity: parseSize('20GiB'),
    allocation: 0n,
    target: { format: 'qcow2', permissions: { mode: '0600' }, compat: '1.1' },
    backingStore: { path: '/var/lib/libvirt/images/base.qcow2', format: 'qcow2' },
  };

  it('builds a qcow2 overlay with a backing store', () => {
    expect(normalizeXml(buildStorageVolumeXml(overlay))).toBe(
      normalizeXml(`<volume><name>vm1.qcow2</name><capacity unit="bytes">21474836480</capacity><allocation unit="bytes">0</allocation>
        <target><format type="qcow2"/><permissions><mode>0600</mode></permissions><compat>1.1</compat></target>
        <backingStore><path>/var/lib/libvirt/images/base.qcow2</path><format type="qcow2"/></backingStore></volume>`),
    );
    expect(parseStorageVolumeXml(buildStorageVolumeXml(overlay))).toEqual(overlay);
  });

  it('parses a QEMU-driver volume: key, path, format, backing store, physical size, exact timestamps', () => {
    const parsed = parseStorageVolumeXml(fixture('qemu-volume-overlay.xml'));
    expect(parsed).toMatchObject({
      type: 'file',
      name: 'overlay.qcow2',
      key: '/tmp/lvmx/pool/overlay.qcow2',
      capacity: 2147483648n,
      allocation: 200704n,
      target: { path: '/tmp/lvmx/pool/overlay.qcow2', format: 'qcow2', permissions: { mode: '0600', owner: 0, group: 0 } },
      backingStore: { path: '/tmp/lvmx/pool/base.qcow2', format: 'qcow2' },
    });
    expect(parsed.physical).toBe(196640n);
    expect(parsed.extraElements).toBeUndefined();
    expect(parsed.target?.timestamps?.ctime).toMatch(/^\d+\.\d{9}$/);
    expect(parsed.target?.extraElements).toBeUndefined();
    expect(normalizeXml(buildStorageVolumeXml(parsed))).toBe(normalizeXml(fixture('qemu-volume-overlay.xml')));
  });

  it.each<[string, unknown, string]>([
    ['slash in name', { name: 'a/b', capacity: 1n }, 'name'],
    ['dot-dot name', { name: '..', capacity: 1n }, 'name'],
    ['leading dash', { name: '-x.img', capacity: 1n }, 'name'],
    ['NUL in name', { name: 'a\u0000', capacity: 1n }, 'name'],
    ['256-byte name', { name: 'v'.repeat(256), capacity: 1n }, 'name'],
    ['negative capacity', { name: 'v', capacity: -1n }, 'capacity'],
    ['capacity above 2^63-1', { name: 'v', capacity: 2n ** 63n }, 'capacity'],
    ['fractional capacity', { name: 'v', capacity: 1.5 }, 'capacity'],
    ['backing store without path', { name: 'v', capacity: 1n, backingStore: { format: 'qcow2' } }, 'backingStore.path'],
  ])('refuses %s', (_label, model, path) => {
    expect(refusal(() => buildStorageVolumeXml(model as StorageVolumeModel)).path).toBe(path);
  });
});
