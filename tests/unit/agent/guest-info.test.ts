/**
 * virDomainGetGuestInfo's flat parameters regrouped: every family the test
 * guest cannot show (users, filesystems with their disks, disks with their
 * dependencies), missing and unknown keys. The real guest's answer is checked
 * in tests/integration/agent/agent-qemu.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { parseGuestInfo } from '../../../src/agent/internal.js';

describe('parseGuestInfo', () => {
  it('groups users, filesystems, disks and interfaces; keeps raw; ignores unknown keys', () => {
    const raw = {
      'user.count': 1,
      'user.0.name': 'ops',
      'user.0.login-time': 1_700_000_000_000,
      'os.id': 'debian',
      'os.kernel-release': '6.1.0-57-cloud-amd64',
      'timezone.name': 'CET',
      'timezone.offset': 3600,
      hostname: 'web1',
      'fs.count': 1,
      'fs.0.mountpoint': '/',
      'fs.0.name': 'vda1',
      'fs.0.fstype': 'ext4',
      'fs.0.total-bytes': 10_000,
      'fs.0.used-bytes': 4_000,
      'fs.0.disk.count': 1,
      'fs.0.disk.0.alias': 'vda',
      'fs.0.disk.0.serial': 'S1',
      'disk.count': 2,
      'disk.0.name': '/dev/vda1',
      'disk.0.partition': true,
      'disk.0.dependency.count': 1,
      'disk.0.dependency.0.name': '/dev/vda',
      'disk.1.name': '/dev/vda',
      'disk.1.partition': false,
      'disk.1.alias': 'vda',
      'if.count': 1,
      'if.0.name': 'eth0',
      'if.0.hwaddr': '52:54:00:00:00:01',
      'if.0.addr.count': 1,
      'if.0.addr.0.type': 'ipv4',
      'if.0.addr.0.addr': '10.0.0.5',
      'if.0.addr.0.prefix': 24,
      'load.1m': 0.5,
    };
    const info = parseGuestInfo(raw);
    expect(info.users).toEqual([{ name: 'ops', loginTime: new Date(1_700_000_000_000) }]);
    expect(info.os).toEqual({ id: 'debian', kernelRelease: '6.1.0-57-cloud-amd64' });
    expect(info.timezone).toEqual({ name: 'CET', offsetSeconds: 3600 });
    expect(info.hostname).toBe('web1');
    expect(info.filesystems).toEqual([
      { mountpoint: '/', name: 'vda1', type: 'ext4', totalBytes: 10_000, usedBytes: 4_000, disks: [{ alias: 'vda', serial: 'S1' }] },
    ]);
    expect(info.disks).toEqual([
      { name: '/dev/vda1', partition: true, dependencies: ['/dev/vda'] },
      { name: '/dev/vda', partition: false, dependencies: [], alias: 'vda' },
    ]);
    expect(info.interfaces).toEqual([
      { name: 'eth0', hwaddr: '52:54:00:00:00:01', addresses: [{ type: 'ipv4', address: '10.0.0.5', prefix: 24 }] },
    ]);
    expect(info.raw).toBe(raw);
  });

  it('families the agent did not answer are absent; entries without their name are skipped', () => {
    const info = parseGuestInfo({ 'user.count': 2, 'user.1.name': 'b', 'fs.count': 0 });
    expect(info).toEqual({ raw: expect.any(Object), users: [{ name: 'b' }], filesystems: [] });
  });
});
