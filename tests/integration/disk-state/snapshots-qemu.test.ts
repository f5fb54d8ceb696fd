/**
 * Snapshots through the SDK on real TCG guests (libvirt 9.0.0, QEMU 7.2
 * here): the guest writes markers on a data disk through its console
 * (scripts/test-guest commands disk-write/disk-read, direct I/O), the SDK
 * snapshots, and what the guest reads back — and what `qemu-img info
 * --backing-chain` says of the files — proves what each snapshot kept.
 * Teardown then deletes the overlays and memory files the snapshots made,
 * never the disk's own image (not made by the SDK).
 *
 * A revert keeps the SDK's ownership record: libvirt puts back the
 * definition saved with the snapshot, `<metadata>` included, so the volumes
 * the SDK made after the snapshot (an attached disk, a later snapshot's
 * overlay) would leave the record and teardown would leave them in the pool;
 * the SDK writes them back after the revert, except the ones that are gone.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainRef, type LibvirtConnection, UnsupportedError } from '../../../src/connection/internal.js';
import { LibvirtManager } from '../../../src/index.js';
import { parseDomainXml, parseOwnership } from '../../../src/xml/index.js';
import { guestDiskRead, guestDiskWrite } from '../../helpers/guest-disk.js';
import { type GuestManifest, ensureTestGuest, guestDomainXml, guestVmSpec, logDir, waitForSerial } from '../../helpers/guest.js';
import { QEMU_URI, uniqueName, virshQuiet } from '../../helpers/libvirt.js';
import { type TempPool, type TempVolume, tempPool, tempVolume } from '../../helpers/pool.js';

/** Bounds for a busy 2-core machine running TCG guests; each wait ends as soon as its marker comes. */
const BOOT = 120_000;

let manifest: GuestManifest;
let manager: LibvirtManager;
let conn: LibvirtConnection;
let pool: TempPool;
const logs = logDir('lvm-snapshots-');
const domains = new Set<string>();

beforeAll(async () => {
  manifest = ensureTestGuest();
  manager = await LibvirtManager.connect(QEMU_URI);
  conn = manager.connection;
  pool = await tempPool(conn, 'snapshots');
}, 300_000);

afterAll(async () => {
  for (const name of domains) {
    virshQuiet(QEMU_URI, 'destroy', name);
    virshQuiet(QEMU_URI, 'undefine', name, '--snapshots-metadata');
  }
  await pool.remove();
  logs.remove();
  await manager.close();
});

interface Guest {
  domain: DomainRef;
  log: string;
  data: TempVolume;
}

/** A persistent test guest with a qcow2 data disk `vdb` (a volume of the temp pool, not made by the SDK for it), booted. */
async function bootGuest(prefix: string): Promise<Guest> {
  const name = uniqueName(prefix);
  domains.add(name);
  const log = logs.path(name);
  const data = await tempVolume(conn, pool, { prefix: `${prefix}-data` });
  const domain = await conn.domains.control.define(
    guestDomainXml(manifest, { variant: 'noacpi', name, logPath: log, disks: [{ path: data.path, format: 'qcow2', target: 'vdb' }] }),
  );
  await manager.startVm(domain);
  await waitForSerial(log, manifest.readyMarker, BOOT);
  return { domain, log, data };
}

/** The image chain under `path`, top first, as qemu-img reads it (`-U`: the running QEMU holds the lock). */
function chain(path: string): string[] {
  const out = execFileSync('qemu-img', ['info', '-U', '--backing-chain', '--output=json', path], { encoding: 'utf8' });
  return (JSON.parse(out) as { filename: string }[]).map((i) => i.filename);
}

async function vdbSource(domain: DomainRef): Promise<string | undefined> {
  const disk = parseDomainXml(await conn.domains.getXml(domain)).devices?.disks?.find((d) => d.target.dev === 'vdb');
  return disk?.source?.file;
}

/** The paths in the ownership record of the live definition. */
async function ownedPaths(domain: DomainRef): Promise<string[]> {
  return (await recorded(domain)).live;
}

describe('internal snapshots, then an external one on top (one guest)', () => {
  it('the guest sees marker A after reverting an internal snapshot; external: made as owned volumes, revert refused by 9.0, teardown deletes only owned files', async () => {
    const g = await bootGuest('snap-int');
    const read = () => guestDiskRead(conn, g.domain, g.log, 'vdb');
    await guestDiskWrite(conn, g.domain, g.log, 'vdb', 'MARKER-A');

    // Decided from the VM: both disks qcow2 (the guest boots from a kernel: no UEFI) → internal, with memory.
    const int1 = await manager.createSnapshot(g.domain, { name: 'int1' });
    expect(int1.snapshot).toMatchObject({ kind: 'internal', memory: 'internal', state: 'running', current: true });
    expect(int1.files).toEqual([]);
    await guestDiskWrite(conn, g.domain, g.log, 'vdb', 'MARKER-B');
    expect(await read()).toBe('MARKER-B');
    const reverted = await manager.revertSnapshot(g.domain, 'int1');
    expect(reverted.state).toBe('running');
    expect(await read()).toBe('MARKER-A');
    // The internal snapshot lives inside the volume: no other file.
    expect(chain(g.data.path)).toEqual([g.data.path]);

    // External with memory: an overlay volume in vdb's pool, a memory file next to it, both recorded as the VM's.
    const ext1 = await manager.createSnapshot(g.domain, { name: 'ext1', disks: { vdb: 'external' }, memory: true });
    expect(ext1.snapshot).toMatchObject({ kind: 'external', memory: 'external', parent: 'int1', current: true });
    const overlay = ext1.files.find((f) => f.of === 'vdb');
    const memory = ext1.files.find((f) => f.of === 'memory');
    expect(overlay).toMatchObject({ pool: pool.name, owned: true });
    expect(memory).toMatchObject({ pool: pool.name, owned: true });
    expect(await vdbSource(g.domain)).toBe(overlay?.path);
    expect(chain(overlay!.path)).toEqual([overlay!.path, g.data.path]);
    expect(await ownedPaths(g.domain)).toEqual([overlay!.path, memory!.path].sort());
    await guestDiskWrite(conn, g.domain, g.log, 'vdb', 'MARKER-C');

    // libvirt 9.0 cannot revert to an external snapshot, nor delete one whose parent is internal: typed, nothing changed.
    const revert = await manager.revertSnapshot(g.domain, 'ext1').then(
      () => null,
      (e: unknown) => e,
    );
    expect(revert).toBeInstanceOf(UnsupportedError);
    expect((revert as Error).message).toMatch(/libvirt 9\.0\.0 reverts external snapshots only from 9\.7\.0/);
    await expect(manager.deleteSnapshot(g.domain, 'ext1')).rejects.toBeInstanceOf(UnsupportedError);
    expect(await read()).toBe('MARKER-C');
    expect((await manager.listSnapshots(g.domain)).map((s) => [s.name, s.kind, s.children])).toEqual([
      ['int1', 'internal', ['ext1']],
      ['ext1', 'external', []],
    ]);

    // Teardown with snapshots: undefined cleanly (snapshot metadata too); the overlay and memory file go, the data disk stays.
    const report = await manager.destroyVm(g.domain, { storage: 'owned' });
    domains.delete(g.domain.name);
    expect(report.undefined).toBe(true);
    expect(report.errors).toEqual([]);
    expect(report.volumesDeleted.map((v) => v.path).sort()).toEqual([overlay!.path, memory!.path].sort());
    expect(existsSync(overlay!.path)).toBe(false);
    expect(existsSync(memory!.path)).toBe(false);
    expect(existsSync(g.data.path)).toBe(true);
    expect(await conn.domains.exists(g.domain.name)).toBe(false);
    console.info(
      `internal snapshot with memory ${int1.elapsedMs} ms, revert ${reverted.elapsedMs} ms, external with memory ${ext1.elapsedMs} ms`,
    );
  });
});

describe('external snapshots deleted by block commit (one guest)', () => {
  it('deleting the newest external snapshot of a running VM commits it: chain shortened, guest keeps running with its data; then the last one, shut off', async () => {
    const g = await bootGuest('snap-ext');
    const read = () => guestDiskRead(conn, g.domain, g.log, 'vdb');
    await guestDiskWrite(conn, g.domain, g.log, 'vdb', 'MARKER-A');
    const e1 = await manager.createSnapshot(g.domain, { name: 'e1', disks: { vdb: 'external' }, memory: false });
    expect(e1.snapshot).toMatchObject({ kind: 'external', memory: 'no', state: 'disk-snapshot' });
    // No guest agent on this guest: 'auto' does not quiesce.
    expect(e1.quiesced).toBe(false);
    await guestDiskWrite(conn, g.domain, g.log, 'vdb', 'MARKER-B');
    const e2 = await manager.createSnapshot(g.domain, { name: 'e2', disks: { vdb: 'external' } });
    expect(e2.snapshot).toMatchObject({ memory: 'external', parent: 'e1' });
    const o1 = e1.files[0]!.path;
    const o2 = e2.files.find((f) => f.of === 'vdb')!.path;
    const mem2 = e2.files.find((f) => f.of === 'memory')!.path;
    expect(chain(o2)).toEqual([o2, o1, g.data.path]);
    await guestDiskWrite(conn, g.domain, g.log, 'vdb', 'MARKER-C');

    const started = Date.now();
    const deleted = await manager.deleteSnapshot(g.domain, 'e2');
    const ms = Date.now() - started;
    expect(deleted).toMatchObject({ deleted: ['e2'], committed: [o2], filesDeleted: [mem2] });
    expect(existsSync(o2)).toBe(false);
    expect(existsSync(mem2)).toBe(false);
    expect(await vdbSource(g.domain)).toBe(o1);
    expect(chain(o1)).toEqual([o1, g.data.path]);
    expect((await conn.domains.getState(g.domain)).state).toBe('running');
    expect(await read()).toBe('MARKER-C');
    expect(await ownedPaths(g.domain)).toEqual([o1]);
    console.info(`delete of a running VM's newest external snapshot (active block commit) took ${ms} ms`);

    await manager.forceOffVm(g.domain);
    const last = await manager.deleteSnapshot(g.domain, 'e1');
    expect(last).toMatchObject({ deleted: ['e1'], committed: [o1] });
    expect(existsSync(o1)).toBe(false);
    expect(await vdbSource(g.domain)).toBe(g.data.path);
    expect(await ownedPaths(g.domain)).toEqual([]);
    expect(await manager.listSnapshots(g.domain)).toEqual([]);
    // Everything was committed into the data disk's own image.
    await manager.startVm(g.domain);
    await waitForSerial(g.log, manifest.readyMarker, BOOT);
    expect(await read()).toBe('MARKER-C');
  });
});

describe('a VM the SDK created (its disk owned), with the guest agent', () => {
  it("'auto' quiesces through the agent; teardown deletes the overlay and the owned image below it, leaving the pool as it was", async () => {
    const name = uniqueName('snap-own');
    domains.add(name);
    const volumeNames = async (): Promise<string[]> => (await conn.storage.volumes.list(pool.name)).map((v) => v.name).sort();
    // Other tests' data disks (not this VM's) stay in the pool.
    const others = await volumeNames();
    const log = logs.path(name);
    const { domain } = await manager.createVm(
      guestVmSpec(manifest, name, 'noacpi', {
        disks: [{ kind: 'new', pool: pool.name, size: '16MiB', format: 'qcow2', serial: 'vda' }],
        serialConsole: { logFile: log },
        defaultDevices: { guestAgent: true, rng: false, memballoon: false },
        start: true,
      }),
    );
    await waitForSerial(log, manifest.readyMarker, BOOT);
    await manager.lifecycle.waitForAgent(domain, { timeout: BOOT });
    const before = (await volumeNames()).filter((v) => !others.includes(v));
    await guestDiskWrite(conn, domain, log, 'vda', 'MARKER-A');

    const snap = await manager.createSnapshot(domain, { name: 'nightly', disks: 'external', memory: false });
    expect(snap.quiesced).toBe(true);
    expect(snap.snapshot).toMatchObject({ kind: 'external', memory: 'no', state: 'disk-snapshot' });
    const overlay = snap.files[0]!;
    const base = await conn.storage.volumes.getPath(await conn.storage.volumes.lookup(pool.name, before[0]!));
    expect(chain(overlay.path)).toEqual([overlay.path, base]);
    expect(await guestDiskRead(conn, domain, log, 'vda')).toBe('MARKER-A');

    const report = await manager.destroyVm(domain, { storage: 'owned' });
    domains.delete(name);
    expect(report.errors).toEqual([]);
    expect(report.volumesDeleted.map((v) => v.path).sort()).toEqual([base, overlay.path].sort());
    expect(await volumeNames()).toEqual(others);
    expect(await conn.domains.exists(name)).toBe(false);
  });
});

/** The pool's volumes named after `name` (the SDK names a VM's volumes after it). */
async function volumesOf(name: string): Promise<string[]> {
  return (await conn.storage.volumes.list(pool.name))
    .map((v) => v.name)
    .filter((v) => v.startsWith(name))
    .sort();
}

/** The paths in the ownership record of the live and of the persistent definition. */
async function recorded(domain: DomainRef): Promise<{ live: string[]; config: string[] }> {
  const paths = async (inactive: boolean): Promise<string[]> =>
    (parseOwnership(await conn.domains.getXml(domain, { inactive }))?.volumes ?? []).map((v) => v.path ?? '').sort();
  return { live: await paths(false), config: await paths(true) };
}

/** The paths the record of each definition marks as left by a revert. */
async function leftBy(domain: DomainRef): Promise<{ live: string[]; config: string[] }> {
  const paths = async (inactive: boolean): Promise<string[]> =>
    (parseOwnership(await conn.domains.getXml(domain, { inactive }))?.volumes ?? [])
      .filter((v) => v.leftBy === 'revert')
      .map((v) => v.path ?? '')
      .sort();
  return { live: await paths(false), config: await paths(true) };
}

/** A VM the SDK creates (its disk `vda` a new volume of the temp pool), booted. */
async function createGuest(prefix: string): Promise<{ name: string; domain: DomainRef; disk: string }> {
  const name = uniqueName(prefix);
  domains.add(name);
  const log = logs.path(name);
  const created = await manager.createVm(
    guestVmSpec(manifest, name, 'noacpi', {
      disks: [{ kind: 'new', pool: pool.name, size: '64MiB', format: 'qcow2' }],
      serialConsole: { logFile: log },
      start: true,
    }),
  );
  await waitForSerial(log, manifest.readyMarker, BOOT);
  const [disk] = (await recorded(created.domain)).config;
  return { name, domain: created.domain, disk: disk! };
}

async function destroyOwned(name: string, domain: DomainRef): Promise<string[]> {
  const report = await manager.destroyVm(domain, { storage: 'owned', stop: 'force' });
  domains.delete(name);
  expect(report.errors).toEqual([]);
  expect(report.complete).toBe(true);
  return report.volumesDeleted.map((v) => v.path ?? '').sort();
}

describe('revert keeps the record of what the SDK made after the snapshot', () => {
  it('a disk attached after the snapshot stays owned (live and persistent), and teardown deletes it', async () => {
    const { name, domain, disk } = await createGuest('revert-attach');
    const s1 = await manager.createSnapshot(domain, { name: 's1' });
    expect(s1.snapshot).toMatchObject({ kind: 'internal', state: 'running' });
    const vdb = await manager.attachDisk(domain, { kind: 'new', pool: pool.name, size: '16MiB' });
    const b = vdb.path!;
    expect(await recorded(domain)).toEqual({ live: [disk, b].sort(), config: [disk, b].sort() });

    const reverted = await manager.revertSnapshot(domain, 's1');
    expect(reverted.state).toBe('running');
    console.info(`revert after an attach (the record written back) took ${reverted.elapsedMs} ms`);
    // The disk left the VM with the revert; its volume is still the VM's, marked as left by the revert.
    expect(await recorded(domain)).toEqual({ live: [disk, b].sort(), config: [disk, b].sort() });
    expect(await leftBy(domain)).toEqual({ live: [b], config: [b] });

    expect(await destroyOwned(name, domain)).toEqual([disk, b].sort());
    expect(existsSync(b)).toBe(false);
    expect(await volumesOf(name)).toEqual([]);
  });

  it("external snapshots' overlays stay owned after reverting to the internal snapshot before them (one deleted meanwhile is not put back), and teardown deletes them", async () => {
    const { name, domain, disk } = await createGuest('revert-overlay');
    await manager.createSnapshot(domain, { name: 's1', disks: 'internal' });
    const s2 = await manager.createSnapshot(domain, { name: 's2', disks: 'external', memory: false });
    const s3 = await manager.createSnapshot(domain, { name: 's3', disks: 'external', memory: false });
    const [o2, o3] = [s2, s3].map((s) => s.files.find((f) => f.of === 'vda')!);
    expect([o2!.owned, o3!.owned]).toEqual([true, true]);
    const all = [disk, o2!.path, o3!.path].sort();
    expect(await recorded(domain)).toEqual({ live: all, config: all });
    // Gone behind the SDK's back (QEMU keeps its open file): its record must not come back.
    await conn.storage.volumes.delete(await conn.storage.volumes.lookupByPath(o3!.path));

    const reverted = await manager.revertSnapshot(domain, 's1');
    console.info(`revert below two external snapshots (the record written back) took ${reverted.elapsedMs} ms`);
    // The disk points at its own image again; the remaining overlay is no longer attached but still the VM's.
    const kept = [disk, o2!.path].sort();
    expect(await recorded(domain)).toEqual({ live: kept, config: kept });
    expect(await leftBy(domain)).toEqual({ live: [o2!.path], config: [o2!.path] });

    expect(await destroyOwned(name, domain)).toEqual(kept);
    expect(existsSync(o2!.path)).toBe(false);
    expect(await volumesOf(name)).toEqual([]);
  });
});
