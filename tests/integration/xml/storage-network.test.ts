/**
 * Pools, volumes and networks built by us, defined on the running daemons,
 * read back and parsed. On qemu:///system only an isolated network (no
 * <forward>) is ever defined: that is a rule of this project. NAT and bridge
 * networks are exercised on the test driver only.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildNetworkXml,
  buildStoragePoolXml,
  buildStorageVolumeXml,
  normalizeXml,
  parseNetworkXml,
  parseSize,
  parseStoragePoolXml,
  parseStorageVolumeXml,
  type NetworkModel,
} from '../../../src/xml/index.js';
import { Cleanup, PREFIX, QEMU_URI, TEST_URI, daemonUp, holdConnection, scratchDir, virsh, xmlFile } from './virsh.js';

const BRIDGE = `lvmxt${process.pid % 100000}`;

for (const uri of [TEST_URI, QEMU_URI]) {
  describe.skipIf(!daemonUp(uri))(`storage on ${uri}`, () => {
    const cleanup = new Cleanup();
    let dir = '';
    beforeAll(async () => {
      dir = scratchDir(cleanup);
      if (uri === TEST_URI) await holdConnection(uri, cleanup);
    });
    afterAll(() => {
      expect(cleanup.runAll()).toEqual([]);
    });

    it('a dir pool with a qcow2 base and an overlay on it', () => {
      const pool = `${PREFIX}pool`;
      const path = join(dir, 'pool');
      virsh(
        uri,
        'pool-define',
        xmlFile(dir, 'pool', buildStoragePoolXml({ type: 'dir', name: pool, target: { path, permissions: { mode: '0711' } } })),
      );
      cleanup.add(`undefine pool ${pool}`, () => virsh(uri, 'pool-undefine', pool));
      virsh(uri, 'pool-build', pool);
      virsh(uri, 'pool-start', pool);
      cleanup.add(`stop pool ${pool}`, () => virsh(uri, 'pool-destroy', pool));

      const poolXml = virsh(uri, 'pool-dumpxml', pool);
      const parsedPool = parseStoragePoolXml(poolXml);
      expect(parsedPool).toMatchObject({ type: 'dir', name: pool, target: { path } });
      expect(parsedPool.uuid).toMatch(/^[0-9a-f-]{36}$/);
      expect(parsedPool.capacity).toBeGreaterThan(0n);
      expect(normalizeXml(buildStoragePoolXml(parsedPool))).toBe(normalizeXml(poolXml));

      virsh(
        uri,
        'vol-create',
        pool,
        xmlFile(dir, 'base', buildStorageVolumeXml({ name: 'base.qcow2', capacity: parseSize('64MiB'), target: { format: 'qcow2' } })),
      );
      cleanup.add('delete base.qcow2', () => virsh(uri, 'vol-delete', '--pool', pool, 'base.qcow2'));
      const base = parseStorageVolumeXml(virsh(uri, 'vol-dumpxml', '--pool', pool, 'base.qcow2'));
      expect(base).toMatchObject({ name: 'base.qcow2', capacity: 64n * 1024n * 1024n, target: { format: 'qcow2' } });
      const basePath = base.target?.path ?? base.key ?? '';
      expect(basePath).toContain('base.qcow2');

      const overlayXml = buildStorageVolumeXml({
        name: 'overlay.qcow2',
        capacity: parseSize('128MiB'),
        target: { format: 'qcow2', permissions: { mode: '0600' } },
        backingStore: { path: basePath, format: 'qcow2' },
      });
      virsh(uri, 'vol-create', pool, xmlFile(dir, 'overlay', overlayXml));
      cleanup.add('delete overlay.qcow2', () => virsh(uri, 'vol-delete', '--pool', pool, 'overlay.qcow2'));
      const dumped = virsh(uri, 'vol-dumpxml', '--pool', pool, 'overlay.qcow2');
      const overlay = parseStorageVolumeXml(dumped);
      expect(overlay).toMatchObject({ name: 'overlay.qcow2', capacity: 128n * 1024n * 1024n, target: { format: 'qcow2' } });
      expect(overlay.key).toBeDefined();
      if (uri === QEMU_URI) {
        // The test driver keeps no backing chain; the QEMU driver reads it from the image.
        expect(overlay.backingStore).toMatchObject({ path: basePath, format: 'qcow2' });
        expect(overlay.target).toMatchObject({ path: join(path, 'overlay.qcow2'), permissions: { mode: '0600' } });
      }
      expect(normalizeXml(buildStorageVolumeXml(overlay))).toBe(normalizeXml(dumped));
    });
  });

  describe.skipIf(!daemonUp(uri))(`networks on ${uri}`, () => {
    const cleanup = new Cleanup();
    beforeAll(async () => {
      if (uri === TEST_URI) await holdConnection(uri, cleanup);
    });
    afterAll(() => {
      expect(cleanup.runAll()).toEqual([]);
    });

    const define = (network: NetworkModel): NetworkModel => {
      const dir = scratchDir(cleanup);
      virsh(uri, 'net-define', xmlFile(dir, network.name, buildNetworkXml(network)));
      cleanup.add(`undefine network ${network.name}`, () => virsh(uri, 'net-undefine', network.name));
      const dumped = virsh(uri, 'net-dumpxml', network.name);
      const parsed = parseNetworkXml(dumped);
      expect(normalizeXml(buildNetworkXml(parsed))).toBe(normalizeXml(dumped));
      return parsed;
    };

    it('an isolated network (no <forward>) with DHCP ranges and hosts', () => {
      const sent: NetworkModel = {
        name: `${PREFIX}iso`,
        bridge: { name: BRIDGE, stp: true, delay: 0 },
        domain: { name: 'xmltest.lvm', localOnly: true },
        ips: [
          {
            address: '10.253.91.1',
            prefix: 24,
            dhcp: {
              ranges: [{ start: '10.253.91.10', end: '10.253.91.20' }],
              hosts: [{ mac: '52:54:00:91:00:01', name: 'h1', ip: '10.253.91.5' }],
            },
          },
          { family: 'ipv6', address: 'fd00:91::1', prefix: 64 },
        ],
      };
      const got = define(sent);
      expect(got.forward).toBeUndefined();
      expect(got).toMatchObject(sent);
      expect(got.uuid).toMatch(/^[0-9a-f-]{36}$/);
    });

    it.skipIf(uri === QEMU_URI)('a NAT network (test driver only)', () => {
      const sent: NetworkModel = {
        name: `${PREFIX}nat`,
        forward: { mode: 'nat' },
        bridge: { name: `${BRIDGE}n` },
        ips: [{ address: '10.253.92.1', netmask: '255.255.255.0', dhcp: { ranges: [{ start: '10.253.92.100', end: '10.253.92.200' }] } }],
      };
      expect(define(sent)).toMatchObject(sent);
    });

    it.skipIf(uri === QEMU_URI)('a network on an existing host bridge (test driver only)', () => {
      const sent: NetworkModel = { name: `${PREFIX}br`, forward: { mode: 'bridge' }, bridge: { name: 'br0' } };
      expect(define(sent)).toMatchObject(sent);
    });
  });
}
