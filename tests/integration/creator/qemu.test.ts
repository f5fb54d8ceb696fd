/**
 * VmCreator on the QEMU driver (qemu:///system) with a temporary dir pool:
 * every device kind defined, a real qcow2 overlay on the test guest's base
 * image (checked with qemu-img), the cloud-init seed read back by isoinfo, an
 * upload with progress, a failure injected at every step (checked with virsh),
 * concurrent creates in one pool, the free-space check, and the tiny TCG guest
 * booted by direct kernel boot with its seed, its ready marker on the serial log.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, LibvirtConnection } from '../../../src/connection/internal.js';
import { VmCreator, getRollbackReport, type CreateProgress, type CreateResult, type VmSpec } from '../../../src/creator/internal.js';
import { buildStoragePoolXml, parseDomainXml, parseOwnership } from '../../../src/xml/index.js';
import { QEMU_URI, virsh, virshQuiet } from '../../helpers/libvirt.js';
import {
  PREFIX,
  ensureTestGuest,
  expectRollbackAtEveryStep,
  ourDomains,
  poolVolumes,
  rejection,
  removeLeftovers,
  waitForSerial,
  type TestGuest,
} from './helpers.js';

const POOL = `${PREFIX}-pool`;
let conn: LibvirtConnection;
let guest: TestGuest;
let dir: string;
let poolDir: string;
const BASE = { pool: POOL, volume: 'base.qcow2' };

function run(tool: string, ...args: string[]): string {
  return execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Remove our domains and every volume but the base. */
function cleanup(): void {
  removeLeftovers(QEMU_URI, POOL, { keep: BASE.volume });
}

beforeAll(async () => {
  guest = ensureTestGuest();
  dir = mkdtempSync(join(tmpdir(), 'lvm-creator-'));
  chmodSync(dir, 0o755);
  poolDir = join(dir, 'pool');
  conn = await LibvirtConnection.connect(QEMU_URI);
  await conn.storage.pools.define(buildStoragePoolXml({ type: 'dir', name: POOL, target: { path: poolDir } }));
  await conn.storage.pools.build(POOL);
  await conn.storage.pools.start(POOL);
  // The test guest's base image, copied into the pool (the pool probes its format: qcow2).
  copyFileSync(guest.baseImage, join(poolDir, BASE.volume));
  await conn.storage.pools.refresh(POOL);
}, 300_000);

afterAll(async () => {
  try {
    if (conn !== undefined) {
      cleanup();
      virshQuiet(QEMU_URI, 'pool-destroy', POOL);
      virshQuiet(QEMU_URI, 'pool-undefine', POOL);
      await conn.close();
    }
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
});

/** A local file to upload (on this machine, not in the pool). */
function localFile(name: string, bytes: number): { path: string; data: Buffer } {
  mkdirSync(join(dir, 'local'), { recursive: true });
  const path = join(dir, 'local', name);
  const data = randomBytes(bytes);
  writeFileSync(path, data);
  return { path, data };
}

describe('every device kind, defined', () => {
  const name = `${PREFIX}-kinds`;
  let result: CreateResult;
  const progress: CreateProgress[] = [];
  let upload: { path: string; data: Buffer };
  let existing: string;
  let iso: string;

  beforeAll(async () => {
    upload = localFile('upload.img', 3 * 1024 * 1024 + 4096);
    existing = join(dir, 'existing.img');
    run('qemu-img', 'create', '-q', '-f', 'raw', existing, '1M');
    iso = join(dir, 'tools.iso');
    writeFileSync(iso, Buffer.alloc(32 * 2048));
    result = await new VmCreator(conn).create(
      {
        name,
        virtType: 'qemu',
        title: `<&"'> 日本 ü`,
        memory: '256MiB',
        disks: [
          { kind: 'new', pool: POOL, size: '64MiB' },
          { kind: 'overlay', pool: POOL, base: BASE },
          { kind: 'clone', pool: POOL, source: BASE },
          { kind: 'upload', pool: POOL, source: upload.path, onProgress: () => undefined },
          { kind: 'existing', path: existing, bus: 'sata' },
          { kind: 'cdrom', source: iso },
        ],
        networks: [{ user: true }, { bridge: 'lvmct0', mac: '52:54:00:6c:00:02' }],
        graphics: 'vnc',
        serialConsole: { logFile: join(dir, 'kinds.log') },
        cloudInit: {
          hostname: 'kinds-host',
          user: { name: 'ops', sudo: true },
          networkConfig: { version: 2, ethernets: { eth0: { dhcp4: true } } },
        },
        overrides: { devicesXml: ['<sound model="ich9"/>'] },
      },
      { onProgress: (e) => progress.push(e) },
    );
  }, 120_000);

  afterAll(cleanup);

  it('is defined with every device kind', () => {
    const model = parseDomainXml(virsh(QEMU_URI, 'dumpxml', '--inactive', name));
    expect(model).toMatchObject({ type: 'qemu', name, title: `<&"'> 日本 ü`, uuid: result.domain.uuid });
    expect(model.os.machine).toMatch(/^pc-q35-/);
    expect(model.devices.disks?.map((d) => `${d.device}:${d.target.bus}:${d.target.dev}:${d.driver?.type}`)).toEqual([
      'disk:virtio:vda:qcow2',
      'disk:virtio:vdb:qcow2',
      'disk:virtio:vdc:qcow2',
      'disk:virtio:vdd:raw',
      'disk:sata:sda:raw',
      'cdrom:scsi:sdb:raw',
      'cdrom:scsi:sdc:raw',
    ]);
    expect(model.devices.controllers?.some((c) => c.type === 'scsi' && c.model === 'virtio-scsi')).toBe(true);
    expect(model.devices.interfaces?.map((n) => `${n.type}:${n.model}`)).toEqual(['user:virtio', 'bridge:virtio']);
    for (const kind of ['serials', 'consoles', 'channels', 'graphics', 'videos', 'rngs'] as const)
      expect(model.devices[kind], kind).toHaveLength(1);
    expect(model.devices.inputs?.some((i) => i.type === 'tablet' && i.bus === 'usb')).toBe(true);
    expect(model.devices.memballoon?.model).toBe('virtio');
    expect(model.devices.extraElements?.some((e) => e.startsWith('<sound'))).toBe(true);
    expect(model.features).toMatchObject({ acpi: true, apic: true, vmport: false });
  });

  it('records exactly what it made as owned, by resolved path', () => {
    const owned = parseOwnership(virsh(QEMU_URI, 'dumpxml', name))!;
    expect(owned.volumes.map((v) => [v.role, v.pool, v.format])).toEqual([
      ['disk', POOL, 'qcow2'],
      ['overlay', POOL, 'qcow2'],
      ['disk', POOL, 'qcow2'],
      ['disk', POOL, 'raw'],
      ['cloud-init', POOL, 'raw'],
    ]);
    for (const v of owned.volumes) expect(v.path).toBe(join(poolDir, v.name!));
    expect(owned.volumes.map((v) => v.path)).not.toContain(join(poolDir, BASE.volume));
    expect(owned.volumes.map((v) => v.path)).not.toContain(existing);
    expect(owned.cloudInit).toMatchObject({
      pool: POOL,
      name: result.created.seed!.name,
      target: 'sdc',
      contentHash: `sha256:${result.created.seed!.sha256}`,
    });
    expect(poolVolumes(QEMU_URI, POOL)).toEqual([BASE.volume, ...owned.volumes.map((v) => v.name!)].sort());
  });

  it('made a real qcow2 overlay backed by the base image', () => {
    const overlay = result.created.volumes.find((v) => v.role === 'overlay')!;
    const info = JSON.parse(run('qemu-img', 'info', '--output=json', '-U', overlay.path)) as Record<string, unknown>;
    expect(info).toMatchObject({ format: 'qcow2', 'backing-filename': join(poolDir, BASE.volume), 'backing-filename-format': 'qcow2' });
    const base = JSON.parse(run('qemu-img', 'info', '--output=json', '-U', join(poolDir, BASE.volume))) as Record<string, unknown>;
    expect(info['virtual-size']).toBe(base['virtual-size']);
    // Reading through the overlay gives the base's content.
    run('qemu-img', 'compare', '-U', overlay.path, join(poolDir, BASE.volume));
  });

  it('cloned the base and uploaded the local file byte for byte, reporting progress', () => {
    const clone = result.created.volumes.find((v) => v.disk === 2)!;
    run('qemu-img', 'compare', '-U', clone.path, join(poolDir, BASE.volume));
    const uploaded = result.created.volumes.find((v) => v.disk === 3)!;
    expect(readFileSync(uploaded.path).equals(upload.data)).toBe(true);
    const events = progress.filter(
      (e): e is Extract<CreateProgress, { type: 'upload' }> => e.type === 'upload' && e.step === 'upload:disks[3]',
    );
    expect(events.length).toBeGreaterThan(1);
    expect(events.every((e) => e.total === upload.data.length)).toBe(true);
    expect(events.map((e) => e.bytes)).toEqual([...events.map((e) => e.bytes)].sort((a, b) => a - b));
    expect(events.at(-1)!.bytes).toBe(upload.data.length);
  });

  it('uploaded a seed that isoinfo reads: label cidata and the files written', () => {
    const seed = result.created.seed!;
    expect(seed.path).toBe(join(poolDir, seed.name));
    expect(run('isoinfo', '-d', '-i', seed.path)).toMatch(/^Volume id: cidata$/m);
    const file = (name: string) => run('isoinfo', '-R', '-i', seed.path, '-x', `/${name}`);
    expect(JSON.parse(file('meta-data'))).toEqual({ 'instance-id': result.domain.uuid, 'local-hostname': 'kinds-host' });
    const userData = file('user-data');
    expect(userData.startsWith('#cloud-config\n')).toBe(true);
    expect(JSON.parse(userData.slice(14))).toMatchObject({ hostname: 'kinds-host', users: ['default', { name: 'ops' }] });
    expect(JSON.parse(file('network-config'))).toEqual({ version: 2, ethernets: { eth0: { dhcp4: true } } });
    expect(seed.instanceId).toBe(result.domain.uuid);
  });
});

/** A spec the tiny guest boots: direct kernel boot, a disk, a seed. */
function bootSpec(name: string, extra: Partial<VmSpec> = {}): VmSpec {
  return {
    name,
    virtType: 'qemu',
    machine: 'q35',
    memory: '256MiB',
    boot: { kernel: guest.kernel, initrd: guest.initrdAcpi, cmdline: guest.cmdline },
    serialConsole: { logFile: join(dir, `${name}.log`) },
    disks: [{ kind: 'overlay', pool: POOL, base: BASE }],
    cloudInit: { instanceId: `iid-${name}`, detach: 'after-first-boot' },
    start: true,
    ...extra,
  };
}

describe('transactional create on the QEMU driver', () => {
  it('leaves zero new domains and volumes when a failure is injected at any step', async () => {
    const local = localFile('steps.img', 1024 * 1024);
    const spec = (name: string): VmSpec =>
      bootSpec(name, {
        disks: [
          { kind: 'new', pool: POOL, size: '8MiB' },
          { kind: 'overlay', pool: POOL, base: BASE },
          { kind: 'upload', pool: POOL, source: local.path },
        ],
        autostart: true,
      });
    const steps: string[] = [];
    await new VmCreator(conn, { hooks: { beforeStep: (s) => void steps.push(s) } }).create(spec(`${PREFIX}-steps`));
    cleanup();
    expect(steps).toEqual([
      'volume:disks[0]',
      'volume:disks[1]',
      'volume:disks[2]',
      'upload:disks[2]',
      'volume:cloudInit',
      'upload:cloudInit',
      'define',
      'autostart',
      'start',
      'detach-seed',
    ]);
    await expectRollbackAtEveryStep(conn, { uri: QEMU_URI, pool: POOL, steps, spec });
  }, 180_000);

  it('runs concurrent creates in one pool without "asynchronous jobs" collisions', async () => {
    const names = [0, 1, 2, 3].map((i) => `${PREFIX}-par${i}`);
    const results = await Promise.all(
      names.map((name) =>
        new VmCreator(conn).create({
          name,
          virtType: 'qemu',
          memory: '64MiB',
          disks: [
            { kind: 'new', pool: POOL, size: '16MiB', format: 'raw', preallocate: true },
            { kind: 'clone', pool: POOL, source: BASE },
            { kind: 'overlay', pool: POOL, base: BASE },
          ],
        }),
      ),
    );
    try {
      expect(results.map((r) => r.domain.name).sort()).toEqual(names);
      expect(ourDomains(QEMU_URI)).toEqual(names);
      expect(poolVolumes(QEMU_URI, POOL)).toHaveLength(1 + names.length * 3);
    } finally {
      cleanup();
    }
  }, 120_000);

  it('rolls back an upload aborted in flight through the signal', async () => {
    const local = localFile('big.img', 48 * 1024 * 1024);
    const controller = new AbortController();
    let sent = 0;
    const error = await rejection(
      new VmCreator(conn).create(
        {
          name: `${PREFIX}-abort`,
          virtType: 'qemu',
          memory: '64MiB',
          disks: [
            { kind: 'new', pool: POOL, size: '8MiB' },
            { kind: 'upload', pool: POOL, source: local.path },
          ],
        },
        {
          signal: controller.signal,
          onProgress: (e) => {
            if (e.type !== 'upload') return;
            sent = e.bytes;
            if (e.bytes >= 2 * 1024 * 1024) controller.abort(new Error('user cancelled'));
          },
        },
      ),
    );
    expect(error.name).toBe('AbortError');
    expect(sent).toBeLessThan(local.data.length);
    expect(getRollbackReport(error)).toMatchObject({
      complete: true,
      undone: [
        { step: 'volume:disks[1]', outcome: 'undone' },
        { step: 'volume:disks[0]', outcome: 'undone' },
      ],
    });
    expect(ourDomains(QEMU_URI)).toEqual([]);
    expect(poolVolumes(QEMU_URI, POOL)).toEqual([BASE.volume]);
  });

  it('refuses a spec that needs more space than the pool has, before making anything', async () => {
    const info = await conn.storage.pools.getInfo(POOL);
    const error = await rejection(
      new VmCreator(conn).create({
        name: `${PREFIX}-big`,
        virtType: 'qemu',
        memory: '64MiB',
        disks: [{ kind: 'new', pool: POOL, size: info.available + (1n << 30n), preallocate: true }],
      }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).path).toBe('disks[0].size');
    expect(ourDomains(QEMU_URI)).toEqual([]);
    expect(poolVolumes(QEMU_URI, POOL)).toEqual([BASE.volume]);
  });
});

describe('a real guest', () => {
  it('boots a spec by direct kernel boot: ready marker, disk and seed on the serial console; the seed detached afterwards', async () => {
    const name = `${PREFIX}-boot`;
    const spec = bootSpec(name);
    const result = await new VmCreator(conn).create(spec, { timeout: 60_000 });
    try {
      expect(result.started).toBe(true);
      expect(result.domain.id).toBeGreaterThan(0);
      const log = await waitForSerial(join(dir, `${name}.log`), guest.readyMarker, 90_000);
      expect(log).toContain(`${guest.seedMarkerPrefix}iid-${name}`);
      expect(log).toMatch(new RegExp(`${guest.diskMarkerPrefix}vd[a-z] ${guest.baseImageMarker}`));
      expect(log).not.toContain('LIBVIRT_MANAGER_GUEST_WARN');
      // The running guest keeps its seed; the next boot will not see it.
      const seedPath = result.created.seed!.path;
      expect(result.created.seed!.detached).toBe(true);
      expect(parseDomainXml(virsh(QEMU_URI, 'dumpxml', name)).devices.disks?.some((d) => d.source?.file === seedPath)).toBe(true);
      expect(parseDomainXml(virsh(QEMU_URI, 'dumpxml', '--inactive', name)).devices.disks?.some((d) => d.source?.file === seedPath)).toBe(
        false,
      );
      // Still owned: teardown after a restart finds it.
      expect(parseOwnership(virsh(QEMU_URI, 'dumpxml', '--inactive', name))?.cloudInit?.path).toBe(seedPath);
    } finally {
      cleanup();
    }
  }, 180_000);
});
