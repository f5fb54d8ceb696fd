/**
 * Block copy: move a running VM's disk to a new image — a volume the SDK
 * makes in another pool, or a path — then pivot. The new volume is recorded
 * as owned by the VM once the disk is on it; the old image is deleted only
 * when the SDK made it for this VM (through the destroyer's checks), and
 * kept otherwise. A copy that fails or is aborted deletes the volume it made.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { type CallOptions, logSafely } from '../../connection/internal.js';
import { CompensationLog, makeVolume, outcomeUnknown } from '../../creator/internal.js';
import { emptyReport } from '../../destroyer/internal.js';
import { everyDefinition, forgetOwned, ownedVolumeOf, recordOwned } from '../../devices/internal.js';
import type { ProgressFeed } from '../../runtime/index.js';
import { buildDeviceXml, buildStorageVolumeXml } from '../../xml/index.js';
import type { DiskStateRun } from '../context.js';
import { type LiveDisk, readLiveDisk, requireLiveDisk } from './disk-view.js';
import { cancelJob, followJob } from './follow.js';
import type { BlockCopyOptions, BlockCopyResult, BlockJobProgress, OldImageOutcome } from './options.js';
import { checkRunnable, jobResult } from './shared.js';
import { BlockJobWatch } from './watch.js';

/** Budget of each undo after a failed copy. */
const ROLLBACK: CallOptions = { timeout: 60_000 };

interface Destination {
  path: string;
  format: 'qcow2' | 'raw';
  pool?: string;
  name?: string;
  key?: string;
  /** The image exists before the copy starts (REUSE_EXT). */
  exists: boolean;
}

/** Make the destination volume as a step of `log` (deleted on rollback), or take the caller's path. */
async function prepareDestination(
  run: DiskStateRun,
  disk: LiveDisk,
  options: BlockCopyOptions,
  log: CompensationLog,
): Promise<Destination> {
  const to = options.to;
  const format = to.format ?? (disk.format === 'raw' ? 'raw' : 'qcow2');
  if ('path' in to) return { path: to.path, format, exists: to.existing === true };
  const { connection } = run.ctx;
  const capacity = (await connection.domains.getBlockInfo(run.ref, options.disk, run.budget.call())).capacity;
  const name = to.name ?? `${run.ref.name}-${options.disk}-${randomBytes(3).toString('hex')}.${format}`;
  const backing = options.shallow === true ? disk.chain[1] : undefined;
  const xml = buildStorageVolumeXml({
    name,
    capacity,
    allocation: 0n,
    target: { format },
    ...(backing === undefined ? {} : { backingStore: { path: backing, format: 'qcow2' } }),
  });
  const made = await makeVolume(
    connection,
    log,
    { step: 'volume:copy', specPath: 'to', role: 'disk', pool: to.pool, name, predictedPath: name, format, xml, writes: 0n },
    { call: run.budget.call(), rollback: ROLLBACK },
  );
  return { path: made.path, format, pool: to.pool, name, exists: true, ...(made.key === undefined ? {} : { key: made.key }) };
}

/** After the pivot: the new volume is owned; the old one goes only if the SDK made it for this VM. */
async function settleOwnership(run: DiskStateRun, before: LiveDisk, dest: Destination): Promise<OldImageOutcome> {
  const call = (): CallOptions => run.budget.call();
  const persistent = await run.ctx.connection.domains.isPersistent(run.ref, call());
  const definitions = everyDefinition(true, persistent);
  if (dest.pool !== undefined) {
    const owned = { role: 'disk' as const, pool: dest.pool, name: dest.name!, path: dest.path, format: dest.format };
    await recordOwned(run, definitions, dest.key === undefined ? owned : { ...owned, key: dest.key }, call());
  }
  const oldPath = before.chain[0];
  const old = ownedVolumeOf(before.model, before.device);
  if (old === undefined) return { outcome: 'kept', path: oldPath, reason: 'not-owned' };
  const report = emptyReport();
  await run.ctx.volumes.delete(run.ref, [old], call, report);
  const deleted = report.volumesDeleted[0] ?? report.volumesAlreadyGone[0];
  if (deleted !== undefined) {
    await forgetOwned(run, definitions, old, call());
    return { outcome: 'deleted', path: oldPath, pool: deleted.pool ?? old.pool, name: deleted.name ?? old.name };
  }
  const kept = report.volumesKept[0];
  const reason =
    kept !== undefined
      ? `${kept.reason}${kept.detail === undefined ? '' : `: ${kept.detail}`}`
      : (report.errors[0]?.error.message ?? 'unknown');
  return { outcome: 'kept', path: oldPath, reason };
}

/**
 * Copy `options.disk` of the running VM and pivot to the copy.
 * @see BlockJobManager.copy
 */
export async function copyDisk(
  run: DiskStateRun,
  options: BlockCopyOptions,
  feed: ProgressFeed<BlockJobProgress>,
): Promise<BlockCopyResult> {
  await checkRunnable(run);
  const before = await requireLiveDisk(run, options.disk, run.budget.call());
  const log = new CompensationLog(run.budget.signal === undefined ? {} : { signal: run.budget.signal });
  const pivot = options.pivot !== false;
  let dest: Destination | undefined;
  let onCopy = false;
  // READY without a pivot: the mirror goes on writing into the copy until the caller pivots or cancels it.
  let mirroring = false;
  try {
    dest = await prepareDestination(run, before, options, log);
    const watch = await BlockJobWatch.open(run, options.disk);
    try {
      const destXml = buildDeviceXml('disks', {
        type: 'file',
        source: { file: dest.path },
        driver: { name: 'qemu', type: dest.format },
        target: { dev: options.disk },
      });
      // TRANSIENT_JOB: libvirt 9.0 refuses to copy a persistent domain's disk without it ("domain is not
      // transient"); the job still survives a libvirtd restart, and the pivot still updates the persistent definition.
      try {
        await run.ctx.connection.domains.blockJobs.copy(run.ref, options.disk, destXml, {
          ...run.budget.call(),
          reuseExternal: dest.exists,
          transientJob: true,
          ...(options.shallow === undefined ? {} : { shallow: options.shallow }),
          ...(options.bandwidth === undefined ? {} : { bandwidth: options.bandwidth }),
        });
      } catch (error) {
        // Sent but unanswered: a job may be running into the new volume; stop it before the volume goes.
        if (outcomeUnknown(error)) await cancelJob(run, watch, feed, options.disk);
        throw error;
      }
      const path = dest.path;
      const followed = await followJob(run, watch, feed, {
        disk: options.disk,
        job: 'copy',
        pivot,
        judge: (now) => (now?.chain[0] === path ? 'done' : 'not-done'),
      });
      onCopy = followed.outcome === 'pivoted';
      mirroring = followed.outcome === 'ready';
      const previous = onCopy ? await settleOwnership(run, before, dest) : undefined;
      const after = await readLiveDisk(run, options.disk, run.budget.call());
      const destination = {
        path: dest.path,
        format: dest.format,
        ...(dest.pool === undefined ? {} : { pool: dest.pool, name: dest.name! }),
      };
      return {
        ...jobResult(run, options.disk, 'copy', followed, feed, watch.reconnects, after),
        destination,
        ...(previous === undefined ? {} : { previous }),
      };
    } finally {
      watch.close();
    }
  } catch (error) {
    // Once the disk is on the copy, or a mirror left running writes into it, the copy stays whatever failed after.
    if (onCopy || mirroring) throw error;
    // The job did not pivot (or never started): the disk is still on its old image, so the volume made for the copy goes.
    const report = await log.rollback();
    if (!report.complete)
      logSafely(run.ctx.logger, 'warn', 'the volume made for a failed block copy could not be deleted', {
        domain: run.ref.name,
        failed: report.failed.map((f) => f.step),
      });
    throw error;
  }
}
