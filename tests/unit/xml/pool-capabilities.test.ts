import { describe, expect, it } from 'vitest';
import { XmlParseError, parseStoragePoolCapabilitiesXml } from '../../../src/xml/index.js';
import { fixture } from './helpers.js';

describe('storage pool capabilities (virsh pool-capabilities)', () => {
  it('parses libvirt 9.0’s answer on qemu:///system (captured)', () => {
    const { pools } = parseStoragePoolCapabilitiesXml(fixture('qemu-pool-capabilities.xml'));
    expect(Object.keys(pools)).toEqual([
      'dir',
      'fs',
      'netfs',
      'logical',
      'disk',
      'iscsi',
      'iscsi-direct',
      'scsi',
      'mpath',
      'rbd',
      'sheepdog',
      'gluster',
      'zfs',
      'vstorage',
    ]);
    expect(pools.dir).toEqual({
      supported: true,
      volumeFormats: { default: 'raw', values: expect.arrayContaining(['raw', 'qcow2', 'vmdk']) as unknown },
    });
    expect(pools.fs?.poolFormats).toEqual({ default: 'auto', values: expect.arrayContaining(['auto', 'ext4', 'xfs']) as unknown });
    expect(pools.logical).toMatchObject({ supported: true, poolFormats: { default: 'lvm2', values: ['unknown', 'lvm2'] } });
    expect(pools.rbd?.supported).toBe(false);
  });

  it('a pool type without options, and a document of another kind', () => {
    expect(parseStoragePoolCapabilitiesXml(`<storagepoolCapabilities><pool type='zfs' supported='no'/></storagepoolCapabilities>`)).toEqual(
      {
        pools: { zfs: { supported: false } },
      },
    );
    expect(() => parseStoragePoolCapabilitiesXml('<capabilities/>')).toThrow(XmlParseError);
  });
});
