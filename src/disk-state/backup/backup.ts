/**
 * One backup, in the VM's turn: checks, the target volumes, the job, and —
 * when anything fails or is aborted — the volumes deleted again.
 *
 * @module
 */
import { InvalidArgumentError, VirErrorCode, isLibvirtCode } from '../../connection/internal.js';
import { CompensationLog, attachRollback } from '../../creator/internal.js';
import { readState } from '../../lifecycle/internal.js';
import { CALL_CAP_MS, type ProgressFeed, refusal, verdict } from '../../runtime/index.js';
import { buildCheckpointXml } from '../../xml/index.js';
import type { DiskStateRun } from '../context.js';
import { runBackupJob } from './job.js';
import type { BackupOptions, BackupProgress, BackupResult } from './options.js';
import { BACKUP_ROLLBACK_TIMEOUT, backupModel, checkpointModel, chooseDisks, liveModel, makeTargets } from './targets.js';

/** Check what the daemon must confirm before anything is made: the state, the pool, the checkpoints. */
async function checkAgainstDaemon(run: DiskStateRun, options: BackupOptions): Promise<void> {
  const { connection } = run.ctx;
  const state = await readState(run.waitRun);
  const decision = verdict('backup', state.state);
  if (typeof decision === 'object' && 'refuse' in decision) throw refusal('backup', state.state, run.ref.name, decision.refuse);
  try {
    await connection.storage.pools.lookup(options.pool, run.budget.call(CALL_CAP_MS));
  } catch (error) {
    if (!isLibvirtCode(error, VirErrorCode.VIR_ERR_NO_STORAGE_POOL)) throw error;
    throw new InvalidArgumentError(`there is no storage pool ${JSON.stringify(options.pool)}`, { path: 'pool', cause: error });
  }
  const checkpoints = connection.domains.checkpoints;
  if (options.incremental !== undefined && (await checkpoints.lookup(run.ref, options.incremental, run.budget.call(CALL_CAP_MS))) === null)
    throw new InvalidArgumentError(`VM ${JSON.stringify(run.ref.name)} has no checkpoint ${JSON.stringify(options.incremental)}`, {
      path: 'incremental',
    });
  if (options.checkpoint !== undefined && (await checkpoints.lookup(run.ref, options.checkpoint, run.budget.call(CALL_CAP_MS))) !== null)
    throw new InvalidArgumentError(`VM ${JSON.stringify(run.ref.name)} already has a checkpoint ${JSON.stringify(options.checkpoint)}`, {
      path: 'checkpoint',
    });
}

/** Delete the checkpoint `name` of the run's VM if it exists (an undo: bounded on its own, not by the run's budget). */
async function deleteIfThere(run: DiskStateRun, name: string): Promise<'undone' | 'already-gone'> {
  const checkpoints = run.ctx.connection.domains.checkpoints;
  const ref = await checkpoints.lookup(run.ref, name, { timeout: BACKUP_ROLLBACK_TIMEOUT });
  if (ref === null) return 'already-gone';
  await checkpoints.delete(ref, { timeout: BACKUP_ROLLBACK_TIMEOUT });
  return 'undone';
}

/**
 * Back up the VM's disks into new volumes of `options.pool`.
 * @see BackupManager.backup
 */
export async function runBackup(run: DiskStateRun, options: BackupOptions, feed: ProgressFeed<BackupProgress>): Promise<BackupResult> {
  await checkAgainstDaemon(run, options);
  const live = await liveModel(run);
  const disks = chooseDisks(live, options, run.ref.name);
  const log = new CompensationLog(run.budget.signal === undefined ? {} : { signal: run.budget.signal });
  try {
    const volumes = await makeTargets(run, log, disks, options);
    const checkpoint = options.checkpoint;
    if (checkpoint !== undefined) {
      // libvirt 9.0 keeps the checkpoint of a backup that failed or was aborted (measured): it is the SDK's to remove.
      await log.step('checkpoint', `create checkpoint ${checkpoint} with the backup`, () => Promise.resolve(), {
        undo: () => deleteIfThere(run, checkpoint),
      });
    }
    const end = await runBackupJob(run, {
      model: backupModel(live, volumes, options.incremental),
      checkpointXml: options.checkpoint === undefined ? undefined : buildCheckpointXml(checkpointModel(live, volumes, options.checkpoint)),
      feed,
    });
    const total = end.stats.diskTotal ?? feed.last?.total ?? 0;
    feed.push({ processed: end.stats.diskProcessed ?? total, total, elapsedMs: end.stats.timeElapsed ?? run.budget.elapsed() });
    return {
      domain: run.ref,
      kind: options.incremental === undefined ? 'full' : 'incremental',
      since: options.incremental,
      checkpoint: options.checkpoint,
      volumes,
      stats: end.stats,
      confirmedBy: end.confirmedBy,
      elapsedMs: run.budget.elapsed(),
    };
  } catch (error) {
    // The job has ended (runBackupJob waits for that before it throws): the volumes can go.
    throw attachRollback(error, await log.rollback());
  }
}
