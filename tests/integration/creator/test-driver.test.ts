/**
 * VmCreator on libvirt's test driver (test+unix:///default): create and
 * rollback basics, every device kind defined, names that exist, a failure
 * injected at every step, an abort mid-create, and the seed upload the test
 * driver cannot do. `virsh` (its own connection) checks what is left.
 *
 * One SDK connection stays open for the whole file: the test driver resets
 * when its last client disconnects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AbortError,
  AlreadyExistsError,
  InvalidArgumentError,
  LibvirtConnection,
  UnsupportedError,
} from '../../../src/connection/internal.js';
import { VmCreator, getRollbackReport, type VmSpec } from '../../../src/creator/internal.js';
import { buildStorageVolumeXml, parseDomainXml, parseOwnership, parseSize } from '../../../src/xml/index.js';
import { TEST_URI, virsh, virshQuiet } from '../../helpers/libvirt.js';
import { PREFIX, expectRollbackAtEveryStep, ourDomains, poolVolumes, rejection, removeLeftovers } from './helpers.js';

const POOL = 'default-pool';
const BASE = `${PREFIX}-base.qcow2`;
let conn: LibvirtConnection;

/** Remove our domains and our volumes but the base (the pool is the driver's own). */
function cleanup(): void {
  removeLeftovers(TEST_URI, POOL, { keep: BASE, onlyOurs: true });
}

beforeAll(async () => {
  conn = await LibvirtConnection.connect(TEST_URI);
  await conn.storage.volumes.create(POOL, buildStorageVolumeXml({ name: BASE, capacity: parseSize('64MiB'), target: { format: 'qcow2' } }));
});

afterAll(async () => {
  cleanup();
  virshQuiet(TEST_URI, 'vol-delete', '--pool', POOL, BASE);
  await conn?.close();
});

const serverSpec = (name: string): VmSpec => ({
  name,
  memory: '128MiB',
  vcpus: 2,
  disks: [
    { kind: 'new', pool: POOL, size: '1GiB' },
    { kind: 'clone', pool: POOL, source: { pool: POOL, volume: BASE } },
  ],
  networks: [{ network: 'default' }],
  autostart: true,
  start: true,
});

describe('create on the test driver', () => {
  it('makes the volumes, defines, sets autostart and starts, with an ownership record', async () => {
    const name = `${PREFIX}-basic`;
    const progress: string[] = [];
    const result = await new VmCreator(conn).create(serverSpec(name), {
      onProgress: (e) => progress.push(e.type === 'step' ? e.step : e.type),
    });
    try {
      expect(progress).toEqual(['volume:disks[0]', 'volume:disks[1]', 'define', 'autostart', 'start']);
      expect(result.started).toBe(true);
      expect(virsh(TEST_URI, 'domstate', name).trim()).toBe('running');
      expect(virsh(TEST_URI, 'dominfo', name)).toMatch(/Autostart:\s+enable/);
      expect(poolVolumes(TEST_URI, POOL, true)).toEqual([BASE, `${name}-disk0.qcow2`, `${name}-disk1.qcow2`].sort());
      const xml = virsh(TEST_URI, 'dumpxml', name);
      const owned = parseOwnership(xml)!;
      expect(owned.volumes.map((v) => [v.role, v.pool, v.name])).toEqual([
        ['disk', POOL, `${name}-disk0.qcow2`],
        ['disk', POOL, `${name}-disk1.qcow2`],
      ]);
      expect(result.created.volumes.map((v) => v.path)).toEqual(owned.volumes.map((v) => v.path));
      expect(parseDomainXml(xml).uuid).toBe(result.domain.uuid);
    } finally {
      cleanup();
    }
  });

  it('defines every device kind the spec offers', async () => {
    const name = `${PREFIX}-kinds`;
    await new VmCreator(conn).create({
      name,
      title: `<&"'> 日本 ü`,
      description: 'all <kinds> & more',
      memory: '64MiB',
      disks: [
        { kind: 'new', pool: POOL, size: '16MiB', format: 'raw', serial: 'new-1' },
        { kind: 'overlay', pool: POOL, base: { pool: POOL, volume: BASE } },
        { kind: 'clone', pool: POOL, source: { pool: POOL, volume: BASE } },
        { kind: 'existing', path: '/srv/data.img', bus: 'sata', shareable: true },
        { kind: 'cdrom', source: '/srv/tools.iso' },
      ],
      networks: [{ network: 'default', mac: '52:54:00:6c:00:01' }, { bridge: 'virbr9', model: 'e1000e' }, { user: true }],
      graphics: 'vnc',
      serialConsole: { logFile: '/var/log/lvm-kinds.log' },
      overrides: { devicesXml: ['<sound model="ich9"/>'] },
    });
    try {
      const model = parseDomainXml(virsh(TEST_URI, 'dumpxml', '--inactive', name));
      expect(model.title).toBe(`<&"'> 日本 ü`);
      expect(model.devices.disks?.map((d) => [d.device, d.target.bus, d.driver?.type])).toEqual([
        ['disk', 'virtio', 'raw'],
        ['disk', 'virtio', 'qcow2'],
        ['disk', 'virtio', 'qcow2'],
        ['disk', 'sata', 'raw'],
        ['cdrom', 'ide', 'raw'],
      ]);
      expect(model.devices.interfaces?.map((n) => n.type)).toEqual(['network', 'bridge', 'user']);
      for (const kind of ['serials', 'consoles', 'channels', 'inputs', 'graphics', 'videos', 'rngs'] as const)
        expect(model.devices[kind], kind).toHaveLength(1);
      expect(model.devices.memballoon?.model).toBe('virtio');
      expect(model.devices.serials?.[0]?.log?.file).toBe('/var/log/lvm-kinds.log');
      expect(model.devices.extraElements?.some((e) => e.startsWith('<sound'))).toBe(true);
      const owned = parseOwnership(virsh(TEST_URI, 'dumpxml', name))!;
      expect(owned.volumes.map((v) => v.role)).toEqual(['disk', 'overlay', 'disk']);
      expect(owned.volumes.some((v) => v.name === BASE || v.path === '/srv/data.img')).toBe(false);
    } finally {
      cleanup();
    }
  });
});

describe('names that exist', () => {
  it('refuses a domain name that exists, before making anything', async () => {
    const name = `${PREFIX}-taken`;
    await new VmCreator(conn).create({ name, memory: '64MiB' });
    try {
      const volumesBefore = poolVolumes(TEST_URI, POOL);
      const error = await rejection(new VmCreator(conn).create({ ...serverSpec(name) }));
      expect(error).toBeInstanceOf(AlreadyExistsError);
      expect(error).toMatchObject({ code: 'ERR_LIBVIRT_ALREADY_EXISTS', objectType: 'domain', objectName: name });
      expect(getRollbackReport(error)).toBeUndefined();
      expect(poolVolumes(TEST_URI, POOL)).toEqual(volumesBefore);
    } finally {
      cleanup();
    }
  });

  it("refuses a volume name that exists, never adopting someone else's volume", async () => {
    const name = `${PREFIX}-volclash`;
    const error = await rejection(
      new VmCreator(conn).create({
        name,
        memory: '64MiB',
        disks: [
          { kind: 'new', pool: POOL, size: '1MiB' },
          { kind: 'new', pool: POOL, size: '1MiB', name: BASE },
        ],
      }),
    );
    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect(error).toMatchObject({ objectType: 'volume', objectName: `${POOL}/${BASE}` });
    expect(ourDomains(TEST_URI)).toEqual([]);
    expect(poolVolumes(TEST_URI, POOL, true)).toEqual([BASE]);
  });

  it('refuses volume names with "/" or ".." before sending anything', async () => {
    for (const bad of ['a/b.qcow2', '..', '../escape.qcow2']) {
      const error = await rejection(
        new VmCreator(conn).create({
          name: `${PREFIX}-badvol`,
          memory: '64MiB',
          disks: [{ kind: 'new', pool: POOL, size: '1MiB', name: bad }],
        }),
      );
      expect(error, bad).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).path, bad).toBe('disks[0].name');
    }
    expect(ourDomains(TEST_URI)).toEqual([]);
  });
});

describe('rollback', () => {
  it('leaves zero new domains and volumes when a failure is injected at any step', async () => {
    const steps: string[] = [];
    const probe = `${PREFIX}-steps`;
    await new VmCreator(conn, { hooks: { beforeStep: (s) => void steps.push(s) } }).create(serverSpec(probe));
    cleanup();
    expect(steps).toEqual(['volume:disks[0]', 'volume:disks[1]', 'define', 'autostart', 'start']);
    await expectRollbackAtEveryStep(conn, { uri: TEST_URI, pool: POOL, steps, spec: serverSpec });
  });

  it('rolls back a create aborted through its signal mid-way', async () => {
    for (const at of ['volume:disks[1]', 'define', 'start']) {
      const controller = new AbortController();
      const creator = new VmCreator(conn, {
        hooks: {
          beforeStep: (s) => {
            if (s === at) controller.abort(new Error('user cancelled'));
          },
        },
      });
      const error = await rejection(creator.create(serverSpec(`${PREFIX}-abort`), { signal: controller.signal }));
      expect(error, at).toBeInstanceOf(AbortError);
      expect(getRollbackReport(error)?.complete, at).toBe(true);
      expect(ourDomains(TEST_URI), at).toEqual([]);
      expect(poolVolumes(TEST_URI, POOL, true), at).toEqual([BASE]);
    }
  });

  it('gives a typed error for a seed the test driver cannot upload, and rolls back', async () => {
    const error = await rejection(
      new VmCreator(conn).create({
        name: `${PREFIX}-seed`,
        memory: '64MiB',
        disks: [{ kind: 'new', pool: POOL, size: '1MiB' }],
        cloudInit: { user: { name: 'ops' } },
      }),
    );
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error.message).toContain('virStorageVolUpload');
    expect(getRollbackReport(error)).toMatchObject({ complete: true, undone: [{ step: 'volume:cloudInit' }, { step: 'volume:disks[0]' }] });
    expect(ourDomains(TEST_URI)).toEqual([]);
    expect(poolVolumes(TEST_URI, POOL, true)).toEqual([BASE]);
  });

  it('sends nothing for an invalid spec', async () => {
    const volumesBefore = poolVolumes(TEST_URI, POOL);
    const error = await rejection(
      new VmCreator(conn).create({ ...serverSpec(`${PREFIX}-bad`), disks: [{ kind: 'new', pool: POOL, size: '-1' }] }),
    );
    expect(error).toMatchObject({ code: 'ERR_LIBVIRT_INVALID_SPEC', path: 'disks[0].size' });
    expect(poolVolumes(TEST_URI, POOL)).toEqual(volumesBefore);
    expect(ourDomains(TEST_URI)).toEqual([]);
  });
});
