import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibvirtConnection, type DomainRef } from '../../../src/connection/internal.js';
import { type DestroyReport, VmDestroyer } from '../../../src/destroyer/internal.js';
import { VmLifecycleManager } from '../../../src/lifecycle/internal.js';
import { type DiskDevice, buildDomainXml, buildStorageVolumeXml, type OwnedVolume } from '../../../src/xml/index.js';
import { type GuestManifest, ensureTestGuest, guestDomainXml, logDir, waitForSerial } from '../../helpers/guest.js';
import { QEMU_URI, signalLibvirtd, sleep, startLibvirtd, uniqueName, virsh, virshQuiet } from '../../helpers/libvirt.js';
import { type TempPool, tempPool } from '../../helpers/pool.js';

let conn: LibvirtConnection;
let lifecycle: VmLifecycleManager;
let destroyer: VmDestroyer;
let pool: TempPool;
let manifest: GuestManifest;
const logs = logDir('lvm-destroyer-');
const domains = new Set<string>();

beforeAll(async () => {
  manifest = ensureTestGuest();
  conn = await LibvirtConnection.connect(QEMU_URI, { reconnect: { initialDelay: 100, maxDelay: 1000 } });
  lifecycle = new VmLifecycleManager(conn);
  destroyer = new VmDestroyer(conn, lifecycle);
  pool = await tempPool(conn, 'destroy');
}, 300_000);

afterAll(async () => {
  for (const name of domains) {
    virshQuiet(QEMU_URI, 'destroy', name);
    virshQuiet(QEMU_URI, 'undefine', name, '--nvram', '--snapshots-metadata', '--managed-save');
  }
  await pool.remove();
  logs.remove();
  await conn.close();
});

/** Create a volume in the temp pool; returns its path. */
async function volume(name: string, options: { format?: 'qcow2' | 'raw'; backing?: string } = {}): Promise<string> {
  const format = options.format ?? 'raw';
  const vol = await conn.storage.volumes.create(
    pool.name,
    buildStorageVolumeXml({
      name,
      capacity: 16n * 1024n * 1024n,
      target: { format },
      ...(options.backing === undefined ? {} : { backingStore: { path: options.backing, format: 'qcow2' } }),
    }),
  );
  return conn.storage.volumes.getPath(vol);
}

const disk = (path: string, dev: string, extra: Partial<DiskDevice> = {}): DiskDevice => ({
  type: 'file',
  device: 'disk',
  driver: { name: 'qemu', type: path.endsWith('.qcow2') ? 'qcow2' : 'raw' },
  source: { file: path },
  target: { dev, bus: 'virtio' },
  ...extra,
});

/** Define a (not running) QEMU domain with these disks and this ownership record. */
async function defineVm(prefix: string, disks: DiskDevice[], owned: OwnedVolume[] = [], extra: object = {}): Promise<DomainRef> {
  const name = uniqueName(prefix);
  domains.add(name);
  const uuid = randomUUID();
  const xml = buildDomainXml({
    type: 'qemu',
    name,
    uuid,
    memory: 64n * 1024n * 1024n,
    os: { type: 'hvm', arch: 'x86_64', machine: 'q35' },
    devices: { disks },
    metadata: { ownership: { createdAt: new Date().toISOString(), sdkVersion: '0.2.0', domainUuid: uuid, volumes: owned } },
    ...extra,
  });
  return conn.domains.control.define(xml);
}

const exists = (name: string): boolean =>
  virsh(QEMU_URI, 'list', '--all', '--name')
    .split('\n')
    .map((s) => s.trim())
    .includes(name);
const volumes = (): string[] => readdirSync(pool.dir).sort();

describe('VmDestroyer on qemu:///system', () => {
  it("never deletes a disk another domain uses, a base image under another domain's overlay, or a cdrom", async () => {
    const base = await volume(uniqueName('base') + '.qcow2', { format: 'qcow2' });
    const aRoot = await volume(uniqueName('a-root') + '.qcow2', { format: 'qcow2', backing: base });
    const shared = await volume(uniqueName('shared') + '.raw');
    const data = await volume(uniqueName('data') + '.raw');
    const iso = await volume(uniqueName('media') + '.iso');
    const bRoot = await volume(uniqueName('b-root') + '.qcow2', { format: 'qcow2', backing: base });
    const a = await defineVm(
      'a',
      [
        disk(aRoot, 'vda'),
        disk(shared, 'vdb', { shareable: false }),
        disk(data, 'vdc'),
        disk(base, 'vdd'),
        {
          type: 'file',
          device: 'cdrom',
          driver: { name: 'qemu', type: 'raw' },
          source: { file: iso },
          target: { dev: 'sda', bus: 'scsi' },
          readonly: true,
        },
      ],
      // The record even claims the shared disk: in-use still wins.
      [
        { role: 'disk', path: aRoot },
        { role: 'disk', path: shared },
      ],
    );
    const b = await defineVm('b', [disk(bRoot, 'vda'), disk(shared, 'vdb')]);

    const report = await destroyer.destroy(a, { storage: 'all-safe' });
    expect(report).toMatchObject({ complete: true, undefined: true, stopped: 'was-stopped', alreadyGone: false });
    expect(report.volumesDeleted.map((v) => v.path).sort()).toEqual([aRoot, data].sort());
    const kept = Object.fromEntries(report.volumesKept.map((k) => [k.volume.path, k.reason]));
    expect(kept).toEqual({ [shared]: 'in-use', [base]: 'in-use', [iso]: 'removable-media' });
    expect(exists(a.name)).toBe(false);
    expect(exists(b.name)).toBe(true);
    for (const path of [base, shared, iso, bRoot]) expect(existsSync(path)).toBe(true);
    for (const path of [aRoot, data]) expect(existsSync(path)).toBe(false);

    await destroyer.destroy(b, { storage: 'none' });
    expect(existsSync(bRoot)).toBe(true);
  });

  it("'owned' (the default) deletes what the SDK created and keeps the rest", async () => {
    const mine = await volume(uniqueName('mine') + '.raw');
    const theirs = await volume(uniqueName('theirs') + '.raw');
    const vm = await defineVm(
      'owned',
      [disk(mine, 'vda'), disk(theirs, 'vdb')],
      [{ role: 'disk', pool: pool.name, name: mine.split('/').pop()!, path: mine }],
    );
    const report = await destroyer.destroy(vm.name);
    expect(report.complete).toBe(true);
    expect(report.volumesDeleted.map((v) => v.path)).toEqual([mine]);
    expect(report.volumesKept).toEqual([
      expect.objectContaining({ reason: 'not-owned', volume: expect.objectContaining({ path: theirs }) }),
    ]);
    expect(existsSync(theirs)).toBe(true);
  });

  it('undefines a UEFI VM with NVRAM, removing the NVRAM file', async () => {
    const nvram = join(pool.dir, `${uniqueName('vars')}.fd`);
    copyFileSync('/usr/share/OVMF/OVMF_VARS_4M.fd', nvram);
    const vm = await defineVm('uefi', [], [], {
      os: {
        type: 'hvm',
        arch: 'x86_64',
        machine: 'q35',
        loader: { path: '/usr/share/OVMF/OVMF_CODE_4M.fd', readonly: true, type: 'pflash' },
        nvram: { path: nvram, template: '/usr/share/OVMF/OVMF_VARS_4M.fd' },
      },
      features: { acpi: true },
    });
    // A plain undefine refuses a domain with NVRAM: the negotiation must pass the flag.
    expect(() => virsh(QEMU_URI, 'undefine', vm.name)).toThrow(/nvram/i);
    const report = await destroyer.destroy(vm);
    expect(report).toMatchObject({ complete: true, undefined: true });
    expect((report.undefineFlags ?? 0) & 4).toBe(4);
    expect(existsSync(nvram)).toBe(false);
    expect(exists(vm.name)).toBe(false);
  });

  it('undefines a VM with snapshots', async () => {
    const root = await volume(uniqueName('snap') + '.qcow2', { format: 'qcow2' });
    const vm = await defineVm('snap', [disk(root, 'vda')], [{ role: 'disk', path: root }]);
    await conn.domains.snapshots.create(vm, '<domainsnapshot><name>before</name></domainsnapshot>');
    expect((await conn.domains.snapshots.list(vm)).map((s) => s.name)).toEqual(['before']);
    const report = await destroyer.destroy(vm);
    expect(report).toMatchObject({ complete: true, undefined: true });
    expect(exists(vm.name)).toBe(false);
    expect(existsSync(root)).toBe(false);
  });

  it('is idempotent: a VM that is already gone reports nothing left to do', async () => {
    const vm = await defineVm('gone', []);
    expect((await destroyer.destroy(vm)).complete).toBe(true);
    const again = await destroyer.destroy(vm);
    expect(again).toMatchObject({ alreadyGone: true, complete: true, undefined: false, volumesDeleted: [] });
    expect(await destroyer.destroy(uniqueName('never-existed'))).toMatchObject({ alreadyGone: true, complete: true });
  });

  it('destroys a VM while a graceful shutdown of it is under way', async () => {
    const name = uniqueName('busy');
    domains.add(name);
    const log = logs.path(name);
    const vm = await conn.domains.control.define(guestDomainXml(manifest, { name, logPath: log, variant: 'noacpi' }));
    await lifecycle.start(vm);
    await waitForSerial(log, manifest.readyMarker, 60_000);
    // The guest ignores ACPI: this shutdown would wait its full timeout.
    const shutdown = lifecycle.shutdown(vm, { timeout: 120_000, onTimeout: 'throw' }).then(
      (r) => ({ ok: r }),
      (e: unknown) => ({ error: e }),
    );
    await sleep(500);
    const report = await destroyer.destroy(vm, { stop: 'force' });
    expect(report).toMatchObject({ complete: true, undefined: true, stopped: 'forced' });
    expect(exists(name)).toBe(false);
    // The pending shutdown settles promptly and consistently (stopped under it, or the domain is gone).
    const outcome = await Promise.race([shutdown, sleep(30_000).then(() => 'still pending')]);
    expect(outcome).not.toBe('still pending');
  });

  it('destroys a transient VM: it vanishes when stopped', async () => {
    const name = uniqueName('transient');
    const log = logs.path(name);
    const vm = await conn.domains.control.createTransient(guestDomainXml(manifest, { name, logPath: log }));
    const report = await destroyer.destroy(vm, { stop: 'force' });
    expect(report).toMatchObject({ complete: true, transient: true, undefined: false });
    expect(exists(name)).toBe(false);
  });

  it('finish() deletes, from the report, the owned volume a transient domain left when its deletion failed', async () => {
    // A running VM with an owned volume, undefined while it runs: it becomes transient, so stopping it
    // removes it and its ownership record. The volume file is made immutable, so its deletion fails.
    const path = await volume(uniqueName('tvol') + '.raw');
    const vm = await defineVm('tfinish', [disk(path, 'vda')], [{ role: 'disk', path }]);
    await conn.domains.control.start(vm);
    await conn.domains.control.undefine(vm);
    execFileSync('chattr', ['+i', path]);
    let report: DestroyReport;
    try {
      report = await destroyer.destroy(vm, { stop: 'force' });
    } finally {
      execFileSync('chattr', ['-i', path]);
    }
    expect(report).toMatchObject({ complete: false, transient: true, stopped: 'forced' });
    expect(report.errors.map((e) => e.step)).toEqual(['delete-volume']);
    expect(report.volumesLeft.map((v) => v.path)).toEqual([path]);
    expect(exists(vm.name)).toBe(false);
    expect(existsSync(path)).toBe(true);

    const finished = await destroyer.finish(report);
    expect(finished).toMatchObject({ complete: true, alreadyGone: false, transient: true, volumesLeft: [] });
    expect(finished.volumesDeleted.map((v) => v.path)).toEqual([path]);
    expect(existsSync(path)).toBe(false);
    // Nothing left to do now.
    expect(await destroyer.finish(finished)).toMatchObject({ complete: true, alreadyGone: true });
  });

  it('finish() of a report whose domain still exists is destroy again', async () => {
    const path = await volume(uniqueName('pvol') + '.raw');
    const vm = await defineVm('pfinish', [disk(path, 'vda')], [{ role: 'disk', path }]);
    execFileSync('chattr', ['+i', path]);
    let report: DestroyReport;
    try {
      report = await destroyer.destroy(vm);
    } finally {
      execFileSync('chattr', ['-i', path]);
    }
    expect(report).toMatchObject({ complete: false, undefined: false });
    expect(exists(vm.name)).toBe(true); // the record stays for the retry
    const finished = await destroyer.finish(report);
    expect(finished).toMatchObject({ complete: true, undefined: true });
    expect(exists(vm.name)).toBe(false);
    expect(existsSync(path)).toBe(false);
  });

  it('finishes the job on a second call after libvirtd was killed in the middle', async () => {
    const base = await volume(uniqueName('kbase') + '.qcow2', { format: 'qcow2' });
    const foreign = await volume(uniqueName('kforeign') + '.raw');
    const owned: OwnedVolume[] = [];
    const disks: DiskDevice[] = [disk(foreign, 'vda')];
    for (let i = 0; i < 30; i++) {
      const path = await volume(uniqueName(`k${i}`) + '.qcow2', { format: 'qcow2', backing: base });
      // Volumes of a dir pool have their path as key.
      owned.push({ role: 'disk', path, key: path });
      disks.push(disk(path, i < 25 ? `vd${String.fromCharCode(98 + i)}` : `vda${String.fromCharCode(97 + i - 25)}`));
    }
    const vm = await defineVm('killed', disks, owned);
    const before = volumes();

    const first = destroyer.destroy(vm);
    // Kill libvirtd as soon as the first owned volume is gone.
    const deadline = Date.now() + 30_000;
    while (owned.every((o) => existsSync(o.path!)) && Date.now() < deadline) await sleep(5);
    signalLibvirtd('SIGKILL');
    await sleep(300);
    startLibvirtd();
    const firstReport = await first;
    console.log(
      'first destroy after the kill:',
      JSON.stringify({
        complete: firstReport.complete,
        deleted: firstReport.volumesDeleted.length,
        gone: firstReport.volumesAlreadyGone.length,
        errors: firstReport.errors.map((e) => `${e.step}: ${e.error.code}`),
      }),
    );
    if (!firstReport.complete) expect(exists(vm.name)).toBe(true); // the record stays for the retry

    const second = await destroyer.destroy(vm);
    expect(second.complete).toBe(true);
    expect(exists(vm.name)).toBe(false);
    for (const o of owned) expect(existsSync(o.path!)).toBe(false);
    expect(existsSync(foreign)).toBe(true);
    expect(existsSync(base)).toBe(true);
    expect(volumes()).toEqual(before.filter((f) => !owned.some((o) => o.path!.endsWith(`/${f}`))));
    // virsh agrees with the filesystem.
    virsh(QEMU_URI, 'pool-refresh', pool.name);
    const listed = virsh(QEMU_URI, 'vol-list', pool.name);
    for (const o of owned) expect(listed).not.toContain(o.path!.split('/').pop()!);
  });
});
