/**
 * Block jobs on a real TCG guest (qemu:///system, libvirt 9.0, QEMU 7.2), a
 * persistent domain with two qcow2 data disks the guest writes markers to:
 * copy to another pool and pivot (the guest keeps running and reads its
 * data; the old volume is deleted only when the SDK owned it), active
 * commit and pull of a chain made by external snapshots, an abort through
 * AbortSignal on a bandwidth-limited copy (cancelled in libvirt, nothing
 * left), and a libvirtd restart during a copy (the job is found again and
 * followed to its pivot). Run alone under `flock /tmp/lvm-qemu.lock`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, type DomainBlockJobEvent, LibvirtConnection } from '../../../src/connection/internal.js';
import { AFFECT_CONFIG, AFFECT_LIVE, recordOwned } from '../../../src/devices/internal.js';
import { BlockJobManager, type BlockJobProgress } from '../../../src/disk-state/index.js';
import { LibvirtManager } from '../../../src/index.js';
import { parseOwnership } from '../../../src/xml/index.js';
import { guestDiskRead, guestDiskWrite } from '../../helpers/guest-disk.js';
import { ensureTestGuest, guestDomainXml, logDir, waitForSerial } from '../../helpers/guest.js';
import { QEMU_URI, startLibvirtd, uniqueName, virshQuiet } from '../../helpers/libvirt.js';
import { type TempPool, type TempVolume, tempPool, tempVolume } from '../../helpers/pool.js';

const MiB = 1024n * 1024n;
let conn: LibvirtConnection;
let jobs: BlockJobManager;
let source: TempPool;
let target: TempPool;
let owned: TempVolume;
let foreign: TempVolume;
const name = uniqueName('bjobs');
const logs = logDir('lvm-bjobs-');
const logPath = logs.path(name);
/** Every block-job event of the guest, as the typed `domain.block-job` subscription delivers them. */
const events: DomainBlockJobEvent[] = [];
let subscription: { return(): unknown } | undefined;

/** The statuses of `disk`'s events since `from` (an index into {@link events}). */
function statusesSince(from: number, disk: string): string[] {
  return events
    .slice(from)
    .filter((e) => e.disk === disk)
    .map((e) => `${e.job}:${e.status}`);
}

/** Fill 4–36 MiB of an image with data (the guest's marker block at 1 MiB is left alone), so a capped copy takes a while. */
function fill(path: string): void {
  execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x5a 4M 32M', path], { stdio: 'ignore' });
}

function chainOnHost(path: string): string[] {
  const out = execFileSync('qemu-img', ['info', '-U', '--backing-chain', '--output=json', path], { encoding: 'utf8' });
  return (JSON.parse(out) as { filename: string }[]).map((i) => i.filename);
}

function sourceOf(xml: string, dev: string): string | undefined {
  const disk = [...xml.matchAll(/<disk [\s\S]*?<\/disk>/g)].map((m) => m[0]).find((d) => d.includes(`<target dev='${dev}'`));
  return disk?.match(/<source file='([^']+)'/)?.[1];
}

beforeAll(async () => {
  const guest = ensureTestGuest();
  conn = await LibvirtConnection.connect(QEMU_URI);
  jobs = new BlockJobManager(conn, { pollInterval: 250 });
  source = await tempPool(conn, 'bj-src');
  target = await tempPool(conn, 'bj-dst');
  owned = await tempVolume(conn, source, { prefix: 'bj-owned', capacity: 48n * MiB });
  foreign = await tempVolume(conn, source, { prefix: 'bj-foreign', capacity: 48n * MiB });
  fill(owned.path);
  fill(foreign.path);
  const ref = await conn.domains.control.define(
    guestDomainXml(guest, {
      name,
      logPath,
      variant: 'noacpi',
      disks: [
        { path: owned.path, format: 'qcow2', target: 'vdb' },
        { path: foreign.path, format: 'qcow2', target: 'vdc' },
      ],
    }),
  );
  const stream = conn.events({ types: ['domain.block-job'], domain: name });
  await stream.ready;
  subscription = stream;
  void (async () => {
    for await (const event of stream) if (event.type === 'domain.block-job') events.push(event);
  })();
  await conn.domains.control.start(ref);
  await waitForSerial(logPath, guest.readyMarker, 90_000);
  // vdb's volume is the VM's own, as if the SDK had made it (the record the creator and attachDisk write); vdc's is not.
  const key = (await conn.storage.volumes.lookupByPath(owned.path)).key;
  await recordOwned(
    { ctx: { connection: conn, logger: undefined }, ref },
    [AFFECT_LIVE, AFFECT_CONFIG],
    { role: 'disk', pool: source.name, name: owned.name, path: owned.path, format: 'qcow2', key },
    {},
  );
}, 180_000);

afterAll(async () => {
  subscription?.return();
  virshQuiet(QEMU_URI, 'destroy', name);
  virshQuiet(QEMU_URI, 'undefine', name, '--nvram');
  await target?.remove();
  await source?.remove();
  await conn?.close();
  logs.remove();
});

describe('block copy to another pool', () => {
  it('copies the SDK-owned disk and pivots: the guest keeps running and reads its data; the old volume is deleted, the new one owned', async () => {
    await guestDiskWrite(conn, name, logPath, 'vdb', 'before-copy');
    const reports: BlockJobProgress[] = [];
    const from = events.length;
    const result = await jobs.copy(name, { disk: 'vdb', to: { pool: target.name }, onProgress: (p) => reports.push(p) });
    expect(statusesSince(from, 'vdb')).toEqual(['copy:ready', 'copy:completed']);
    expect(events.slice(from).every((e) => e.diskKind === 'target')).toBe(true);
    expect(result).toMatchObject({
      outcome: 'pivoted',
      job: 'copy',
      disk: 'vdb',
      confirmedBy: 'event',
      destination: { pool: target.name },
    });
    expect(result.destination.path.startsWith(target.dir)).toBe(true);
    expect(result.previous).toMatchObject({ outcome: 'deleted', path: owned.path });
    expect(existsSync(owned.path)).toBe(false);
    expect(result.chain).toEqual([result.destination.path]);
    expect(reports.every((p) => p.disk === 'vdb' && p.job === 'copy' && p.cur <= p.end)).toBe(true);
    // Live and persistent definitions both point at the copy (libvirt 9.0 updates the persistent one at the pivot).
    expect(sourceOf(await conn.domains.getXml(name), 'vdb')).toBe(result.destination.path);
    expect(sourceOf(await conn.domains.getXml(name, { inactive: true }), 'vdb')).toBe(result.destination.path);
    for (const inactive of [false, true]) {
      const record = parseOwnership(await conn.domains.getXml(name, { inactive }));
      expect(record?.volumes.map((v) => v.path)).toEqual([result.destination.path]);
    }
    expect((await conn.domains.getState(name)).state).toBe('running');
    expect(await guestDiskRead(conn, name, logPath, 'vdb')).toBe('before-copy');
    await guestDiskWrite(conn, name, logPath, 'vdb', 'after-copy');
    expect(await guestDiskRead(conn, name, logPath, 'vdb')).toBe('after-copy');
  }, 240_000);

  it('copies a disk the SDK does not own: the old volume is kept and reported', async () => {
    await guestDiskWrite(conn, name, logPath, 'vdc', 'foreign-data');
    const task = jobs.copy(name, { disk: 'vdc', to: { pool: target.name, name: 'lvm-bj-foreign-copy.qcow2' } });
    const seen: BlockJobProgress[] = [];
    for await (const p of task.progress) seen.push(p);
    const result = await task;
    expect(result.previous).toEqual({ outcome: 'kept', path: foreign.path, reason: 'not-owned' });
    expect(existsSync(foreign.path)).toBe(true);
    expect(result.destination).toMatchObject({ name: 'lvm-bj-foreign-copy.qcow2', pool: target.name });
    expect(await guestDiskRead(conn, name, logPath, 'vdc')).toBe('foreign-data');
  }, 240_000);
});

describe('block commit and pull on a backing chain', () => {
  /** An external disk-only snapshot of vdc without libvirt metadata: a new overlay on top of its chain. */
  async function overlay(file: string): Promise<void> {
    const xml = `<domainsnapshot><disks><disk name='vdb' snapshot='no'/><disk name='vdc' snapshot='external'><source file='${file}'/></disk></disks></domainsnapshot>`;
    // DISK_ONLY (16) | NO_METADATA (4)
    await conn.domains.snapshots.create(name, xml, { flags: 16 | 4 });
  }

  it('active commit merges the overlay into its backing image and pivots; the guest sees what it wrote on the overlay', async () => {
    const base = sourceOf(await conn.domains.getXml(name), 'vdc')!;
    const top = `${target.dir}/lvm-bj-overlay1.qcow2`;
    await overlay(top);
    expect(chainOnHost(top)).toEqual([top, base]);
    await guestDiskWrite(conn, name, logPath, 'vdc', 'on-overlay');
    const from = events.length;
    const result = await jobs.commit(name, { disk: 'vdc' });
    expect(statusesSince(from, 'vdc')).toEqual(['active-commit:ready', 'active-commit:completed']);
    expect(result).toMatchObject({ outcome: 'pivoted', job: 'active-commit', chain: [base] });
    expect(sourceOf(await conn.domains.getXml(name, { inactive: true }), 'vdc')).toBe(base);
    expect(await guestDiskRead(conn, name, logPath, 'vdc')).toBe('on-overlay');
  }, 240_000);

  it('pull copies the backing chain into the top image: no backing image is left', async () => {
    const base = sourceOf(await conn.domains.getXml(name), 'vdc')!;
    const top = `${target.dir}/lvm-bj-overlay2.qcow2`;
    await overlay(top);
    await guestDiskWrite(conn, name, logPath, 'vdc', 'before-pull');
    const from = events.length;
    const result = await jobs.pull(name, { disk: 'vdc' });
    expect(statusesSince(from, 'vdc')).toEqual(['pull:completed']);
    expect(result).toMatchObject({ outcome: 'completed', job: 'pull', chain: [top] });
    expect(chainOnHost(top)).toEqual([top]);
    expect(existsSync(base)).toBe(true);
    expect(await guestDiskRead(conn, name, logPath, 'vdc')).toBe('before-pull');
  }, 240_000);
});

describe('through the facade and the state registry', () => {
  it('manager.blockCopy runs as a registry command: in flight while it copies, power operations queue behind it', async () => {
    await using manager = await LibvirtManager.connect(QEMU_URI);
    const progress: BlockJobProgress[] = [];
    const copy = manager.blockCopy(name, {
      disk: 'vdc',
      to: { pool: target.name, name: 'lvm-bj-facade.qcow2' },
      bandwidth: 4 * Number(MiB),
      onProgress: (p) => progress.push(p),
    });
    while (progress.length === 0) await new Promise((r) => setTimeout(r, 50));
    expect(manager.getVm(name)?.inFlight?.command).toBe('blockCopy');
    // A power operation sent now waits for the VM's turn: it ends after the copy.
    let copiedAt = 0;
    const paused = manager.lifecycle.pause(name).then(() => Date.now());
    const result = await copy;
    copiedAt = Date.now();
    expect(await paused).toBeGreaterThanOrEqual(copiedAt);
    await manager.lifecycle.resume(name);
    expect(result).toMatchObject({ outcome: 'pivoted', destination: { name: 'lvm-bj-facade.qcow2' } });
    expect(manager.getVm(name)?.inFlight).toBeNull();
    expect(await guestDiskRead(conn, name, logPath, 'vdc')).toBe('before-pull');
  }, 240_000);
});

describe('abort and reconnect', () => {
  it('an AbortSignal cancels a bandwidth-limited copy in libvirt: CANCELED, the disk unchanged, no volume left', async () => {
    const before = sourceOf(await conn.domains.getXml(name), 'vdb');
    const volumesBefore = readdirSync(target.dir).sort();
    const from = events.length;
    const controller = new AbortController();
    const task = jobs.copy(name, {
      disk: 'vdb',
      to: { pool: target.name, name: 'lvm-bj-aborted.qcow2' },
      bandwidth: Number(MiB),
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(task).rejects.toBeInstanceOf(AbortError);
    // The SDK waited for libvirt's CANCELED before it threw.
    expect(statusesSince(from, 'vdb')).toEqual(['copy:canceled']);
    expect(await conn.domains.blockJobs.info(name, 'vdb')).toBeNull();
    expect(sourceOf(await conn.domains.getXml(name), 'vdb')).toBe(before);
    expect(readdirSync(target.dir).sort()).toEqual(volumesBefore);
    expect(await guestDiskRead(conn, name, logPath, 'vdb')).toBe('after-copy');
  }, 240_000);

  it('libvirtd restarted during a copy: the job is found again and followed to its pivot', async () => {
    let killed = false;
    const reports: BlockJobProgress[] = [];
    const task = jobs.copy(name, {
      disk: 'vdb',
      to: { pool: target.name, name: 'lvm-bj-reconnect.qcow2' },
      bandwidth: 2 * Number(MiB),
      onProgress: (p) => {
        reports.push(p);
        if (killed) return;
        killed = true;
        process.kill(Number(execFileSync('cat', ['/run/libvirtd.pid'], { encoding: 'utf8' }).trim()), 'SIGKILL');
      },
    });
    // Wait for the kill, then bring the daemon back the way the project's scripts do.
    while (!killed) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 500));
    startLibvirtd();
    // Another connection (another process, say) finds the job the daemon kept running.
    const other = await LibvirtConnection.connect(QEMU_URI, { reconnect: false });
    try {
      const found = await new BlockJobManager(other).find(name, 'vdb');
      expect(found).toMatchObject({ disk: 'vdb', job: 'copy' });
    } finally {
      await other.close();
    }
    const result = await task;
    expect(result).toMatchObject({ outcome: 'pivoted', job: 'copy' });
    expect(result.reconnects).toBeGreaterThanOrEqual(1);
    // The bandwidth cap as libvirt reported it, in bytes/s (the SDK asks for bytes throughout).
    expect(reports[0]?.bandwidth).toBe(2 * Number(MiB));
    expect(sourceOf(await conn.domains.getXml(name), 'vdb')).toBe(result.destination.path);
    expect(await guestDiskRead(conn, name, logPath, 'vdb')).toBe('after-copy');
  }, 300_000);
});
