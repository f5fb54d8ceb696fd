/**
 * Backups of a real running TCG guest (libvirt 9.0, QEMU 7.2): a full push backup is a readable image with the
 * guest's data as of the backup's start; an incremental one after a checkpoint holds only the changed clusters and
 * restores the disk when rebased onto the full one; an abort through AbortSignal leaves nothing; bad input is a
 * typed error before anything is made; checkpoints list and delete, and a VM with checkpoints is torn down.
 *
 * Run alone (one guest at a time): `flock /tmp/lvm-qemu.lock npx vitest run tests/integration/disk-state/backup.test.ts`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LibvirtConnection } from '../../../src/connection/internal.js';
import { getRollbackReport } from '../../../src/creator/internal.js';
import { VmDestroyer } from '../../../src/destroyer/index.js';
import { BackupManager, type BackupProgress } from '../../../src/disk-state/index.js';
import { AbortError, DomainNotFoundError, InvalidArgumentError, JobFailedError } from '../../../src/errors/index.js';
import { VmLifecycleManager } from '../../../src/lifecycle/index.js';
import type { DomainRef } from '../../../src/rpc/index.js';
import { guestDiskRead, guestDiskWrite, hostRead } from '../../helpers/guest-disk.js';
import { ensureTestGuest, guestDomainXml, logDir, waitForSerial } from '../../helpers/guest.js';
import { QEMU_URI, uniqueName, virshQuiet } from '../../helpers/libvirt.js';
import { type TempPool, type TempVolume, tempPool, tempVolume } from '../../helpers/pool.js';

const MiB = 1024n * 1024n;
let conn: LibvirtConnection;
let pool: TempPool | undefined; // the VM's disks
let backupPool: TempPool | undefined; // the backups
let data: TempVolume; // vdb: 64 MiB, the guest writes its markers here
let big: TempVolume; // vdc: 1 GiB of data, so that a backup of it lasts long enough to abort
let vm: DomainRef;
let name: string;
let logPath: string;
let logs: ReturnType<typeof logDir>;
let scratch: string;
let backups: BackupManager;

function qemuImg(...args: string[]): string {
  return execFileSync('qemu-img', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `qemu-img compare`: 0 identical, 1 different (anything else throws). */
function compare(a: string, b: string): 0 | 1 {
  const r = spawnSync('qemu-img', ['compare', '-U', a, b], { encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`qemu-img compare failed: ${r.stderr}`);
  return r.status;
}

/** A copy of the VM's disk made while it is paused: QEMU flushed everything to the image on pause (vm_stop). */
async function pausedCopy(image: string, to: string): Promise<void> {
  await conn.domains.control.suspend(vm);
  try {
    qemuImg('convert', '-U', '-O', 'qcow2', image, to);
  } finally {
    await conn.domains.control.resume(vm);
  }
}

async function backupVolumeNames(): Promise<string[]> {
  return (await conn.storage.volumes.list(backupPool!.name)).map((v) => v.name);
}

beforeAll(async () => {
  const guest = ensureTestGuest();
  conn = await LibvirtConnection.connect(QEMU_URI, { reconnect: false });
  pool = await tempPool(conn, 'bkvm');
  backupPool = await tempPool(conn, 'bkto');
  scratch = mkdtempSync(join(tmpdir(), 'lvm-bk-scratch-'));
  data = await tempVolume(conn, pool, { prefix: 'bk-data', capacity: 64n * MiB });
  big = await tempVolume(conn, pool, { prefix: 'bk-big', capacity: 1024n * MiB });
  // Checkpoints are persistent bitmaps, which qcow2 v2 cannot hold ("Cannot store dirty bitmaps in qcow2 v2 files"),
  // and libvirt 9.0 makes qcow2 volumes as v2 (compat 0.10) unless told otherwise: make the images v3 (qemu-img's default).
  for (const v of [data, big])
    qemuImg('create', '-q', '-f', 'qcow2', '-o', 'compat=1.1', v.path, String(v === data ? 64n * MiB : 1024n * MiB));
  // Data the guest's disks hold before it boots: 8 MiB on vdb away from the marker block at 1 MiB; all of vdc.
  execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x5a 4M 8M', data.path], { stdio: 'ignore' });
  execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0xa5 0 1G', big.path], { stdio: 'ignore' });
  logs = logDir('lvm-bk-');
  name = uniqueName('bk');
  logPath = logs.path(name);
  const xml = guestDomainXml(guest, {
    name,
    logPath,
    variant: 'noacpi',
    disks: [
      { path: data.path, format: 'qcow2', target: 'vdb' },
      { path: big.path, format: 'qcow2', target: 'vdc' },
    ],
  });
  // Persistent, so that the last test can show a VM with checkpoints is undefined by the destroyer.
  vm = await conn.domains.control.define(xml);
  await conn.domains.control.start(vm);
  vm = await conn.domains.lookup(name);
  await waitForSerial(logPath, guest.readyMarker, 90_000);
  backups = new BackupManager(conn, { pollInterval: 200 });
}, 180_000);

afterAll(async () => {
  virshQuiet(QEMU_URI, 'destroy', name);
  virshQuiet(QEMU_URI, 'undefine', name, '--checkpoints-metadata');
  if (backupPool !== undefined)
    for (const v of await backupVolumeNames().catch(() => [])) virshQuiet(QEMU_URI, 'vol-delete', v, '--pool', backupPool.name);
  await backupPool?.remove();
  await pool?.remove();
  await conn?.close();
  logs?.remove();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
});

describe('BackupManager on a running QEMU guest', () => {
  let full: string;

  it('a full backup is a readable image of the disk as it was when the backup started, with progress', async () => {
    await guestDiskWrite(conn, vm, logPath, 'vdb', 'marker-full');
    expect(await guestDiskRead(conn, vm, logPath, 'vdb')).toBe('marker-full');
    const reference = join(scratch, 'reference.qcow2');
    // Nothing writes to vdb between the copy and the backup's start (the guest writes only when told), so the
    // point-in-time backup must equal the copy.
    await pausedCopy(data.path, reference);
    const reports: BackupProgress[] = [];
    const started = Date.now();
    const result = await backups.backup(vm, {
      pool: backupPool!.name,
      disks: ['vdb'],
      checkpoint: 'c1',
      onProgress: (p) => reports.push(p),
    });
    console.log(
      `full backup of 64 MiB (8 MiB data): ${Date.now() - started} ms, job ${result.stats.timeElapsed} ms, ${reports.length} reports, confirmed by ${result.confirmedBy}`,
    );
    expect(result).toMatchObject({ kind: 'full', checkpoint: 'c1', confirmedBy: 'event' });
    expect(result.stats).toMatchObject({ operation: 'backup', success: true });
    expect(result.volumes).toHaveLength(1);
    const [volume] = result.volumes;
    expect(volume).toMatchObject({ disk: 'vdb', pool: backupPool!.name, format: 'qcow2', size: 64 * 1024 * 1024 });
    expect(await backupVolumeNames()).toEqual([volume!.name]);
    expect(reports.at(-1)).toMatchObject({ processed: result.stats.diskTotal, total: result.stats.diskTotal });
    expect(JSON.parse(qemuImg('info', '--output=json', volume!.path))).toMatchObject({ format: 'qcow2', 'virtual-size': 64 * 1024 * 1024 });
    expect(compare(reference, volume!.path)).toBe(0);
    expect(hostRead(volume!.path)).toContain('LVM_DATA1 marker-full');
    full = volume!.path;
    // Point in time: what the guest writes afterwards is on its disk, not in the backup.
    await guestDiskWrite(conn, vm, logPath, 'vdb', 'marker-after');
    expect(compare(data.path, volume!.path)).toBe(1);
    const checkpoints = await backups.listCheckpoints(vm);
    expect(checkpoints.map((c) => ({ name: c.name, disks: c.disks.map((d) => d.name) }))).toEqual([{ name: 'c1', disks: ['vdb'] }]);
  }, 120_000);

  it('an incremental backup after a checkpoint holds only the changed clusters, and restores the disk on top of the full one', async () => {
    await guestDiskWrite(conn, vm, logPath, 'vdb', 'marker-inc');
    const reference = join(scratch, 'reference-2.qcow2');
    await pausedCopy(data.path, reference);
    const { progress, result } = backups.start(vm, { pool: backupPool!.name, disks: ['vdb'], incremental: 'c1', checkpoint: 'c2' });
    const seen: BackupProgress[] = [];
    for await (const p of progress) seen.push(p);
    const inc = await result;
    expect(inc).toMatchObject({ kind: 'incremental', since: 'c1', checkpoint: 'c2' });
    expect(seen.length).toBeGreaterThan(0);
    const path = inc.volumes[0]!.path;
    // Only the 64 KiB cluster holding the guest's data block (at 1 MiB) changed since c1.
    const map = JSON.parse(qemuImg('map', '--output=json', path)) as { start: number; length: number; data: boolean }[];
    expect(map.filter((m) => m.data)).toEqual([expect.objectContaining({ start: 1024 * 1024, length: 64 * 1024 })]);
    expect(inc.stats.diskTotal).toBe(64 * 1024);
    expect(hostRead(path)).toContain('LVM_DATA1 marker-inc');
    // Restore: the incremental on top of (a copy of) the full backup is the disk as it was at this backup's start.
    const base = join(scratch, 'full-copy.qcow2');
    qemuImg('convert', '-O', 'qcow2', full, base);
    const restored = join(scratch, 'restored.qcow2');
    qemuImg('convert', '-O', 'qcow2', path, join(scratch, 'inc-copy.qcow2'));
    qemuImg('rebase', '-u', '-b', base, '-F', 'qcow2', join(scratch, 'inc-copy.qcow2'));
    qemuImg('convert', '-O', 'qcow2', join(scratch, 'inc-copy.qcow2'), restored);
    expect(compare(reference, restored)).toBe(0);
    expect((await backups.listCheckpoints(vm)).map((c) => [c.name, c.parent])).toEqual([
      ['c1', undefined],
      ['c2', 'c1'],
    ]);
  }, 120_000);

  it('an abort through AbortSignal stops the job and leaves no volume and no checkpoint behind', async () => {
    const before = await backupVolumeNames();
    const controller = new AbortController();
    const started = Date.now();
    let abortedAt = 0;
    const error = await backups
      .backup(vm, {
        pool: backupPool!.name,
        disks: ['vdc'],
        checkpoint: 'c-aborted',
        signal: controller.signal,
        onProgress: () => {
          abortedAt ||= Date.now();
          controller.abort();
        },
      })
      .catch((e: unknown) => e);
    console.log(`abort: ${abortedAt - started} ms after the call, rejected ${Date.now() - abortedAt} ms after the abort`);
    expect(error).toBeInstanceOf(AbortError);
    expect(getRollbackReport(error)).toMatchObject({ complete: true });
    expect(await backupVolumeNames()).toEqual(before);
    expect((await backups.listCheckpoints(vm)).map((c) => c.name)).toEqual(['c1', 'c2']);
    expect(await conn.domains.jobs.getStats(vm)).toMatchObject({ type: 'none' });
    // libvirt kept how the job ended: cancelled, part of the 1 GiB copied.
    const last = await conn.domains.jobs.getStats(vm, { completed: true });
    expect(last).toMatchObject({ type: 'cancelled', operation: 'backup' });
  }, 120_000);

  it("a backup cancelled from outside the SDK (virsh domjobabort) is a JobFailedError with libvirt's reason, and leaves nothing", async () => {
    const before = await backupVolumeNames();
    let cancelled = false;
    const error = await backups
      .backup(vm, {
        pool: backupPool!.name,
        disks: ['vdc'],
        onProgress: () => {
          if (cancelled) return;
          cancelled = true;
          execFileSync('virsh', ['-q', '-c', QEMU_URI, 'domjobabort', name]);
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error).toMatchObject({ code: 'ERR_LIBVIRT_JOB_FAILED', operation: 'backup', errmsg: 'Operation canceled' });
    expect(getRollbackReport(error)).toMatchObject({ complete: true });
    expect(await backupVolumeNames()).toEqual(before);
  }, 120_000);

  it('without events, polling the job confirms the end', async () => {
    // A connection whose event subscriptions fail: the backup falls back to the job statistics alone.
    const events = vi.spyOn(conn, 'events').mockImplementation(() => {
      throw new Error('no events on this connection');
    });
    try {
      const result = await backups.backup(vm, { pool: backupPool!.name, disks: ['vdb'] });
      expect(result.confirmedBy).toBe('poll');
      expect(result.stats).toMatchObject({ type: 'completed', operation: 'backup' });
      expect(hostRead(result.volumes[0]!.path)).toContain('LVM_DATA1 marker-inc');
      await conn.storage.volumes.delete(await conn.storage.volumes.lookup(backupPool!.name, result.volumes[0]!.name));
    } finally {
      events.mockRestore();
    }
  }, 120_000);

  it('refuses bad input with typed errors before anything is made', async () => {
    const before = await backupVolumeNames();
    const cases: [Parameters<BackupManager['backup']>[1], string][] = [
      [{ pool: 'lvm-no-such-pool' }, 'pool'],
      [{ pool: backupPool!.name, disks: ['vdz'] }, 'disks[0]'],
      [{ pool: backupPool!.name, incremental: 'nope' }, 'incremental'],
      [{ pool: backupPool!.name, checkpoint: 'c1' }, 'checkpoint'],
      [{ pool: backupPool!.name, incremental: 'c1', format: 'raw' }, 'format'],
    ];
    for (const [options, path] of cases) {
      await expect(backups.backup(vm, options), path).rejects.toSatisfy((e) => e instanceof InvalidArgumentError && e.path === path);
    }
    expect(await backupVolumeNames()).toEqual(before);
  }, 60_000);

  it('deletes a checkpoint; a VM with checkpoints is still torn down by the destroyer', async () => {
    await backups.deleteCheckpoint(vm, 'c2');
    expect((await backups.listCheckpoints(vm)).map((c) => c.name)).toEqual(['c1']);
    await expect(backups.deleteCheckpoint(vm, 'c2')).rejects.toBeInstanceOf(InvalidArgumentError);
    const destroyer = new VmDestroyer(conn, new VmLifecycleManager(conn));
    const report = await destroyer.destroy(vm, { stop: 'force', storage: 'none' });
    expect(report).toMatchObject({ undefined: true });
    await expect(conn.domains.lookup(name)).rejects.toBeInstanceOf(DomainNotFoundError);
    // The backups are the caller's: still there.
    expect((await backupVolumeNames()).length).toBe(2);
  }, 120_000);
});
