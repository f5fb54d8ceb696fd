/**
 * The part every block job shares once it runs in QEMU: follow it to its
 * end (READY then pivot for a copy or an active commit, COMPLETED for a pull
 * or a commit), and cancel it in libvirt when the caller aborts, the budget
 * runs out or a step fails — a job is never left running unattended by a failed call.
 *
 * @module
 */
import { BlockJobError, type BlockJobType, VirErrorCode, isLibvirtCode, logSafely } from '../../connection/internal.js';
import { outcomeUnknown } from '../../creator/internal.js';
import { Budget, type ProgressFeed } from '../../runtime/index.js';
import type { DiskStateRun } from '../context.js';
import { type LiveDisk, readLiveDisk } from './disk-view.js';
import type { BlockJobProgress } from './options.js';
import type { BlockJobWatch, JobPoint } from './watch.js';

/** Budget of the cancel that follows an abort or a timeout (the caller's own budget is spent by then). */
const CANCEL_TIMEOUT = 60_000;

/** What a job's follower needs to know about it. */
export interface FollowedJob {
  disk: string;
  /** What the job is (its events' and info's type). */
  job: BlockJobType;
  /** Pivot a mirroring job when READY. */
  pivot: boolean;
  /**
   * The disk as it is once the job ended without an event the SDK saw (a
   * reconnect in between): did it finish (`'done'`) or not (`'not-done'`)?
   */
  judge(disk: LiveDisk | undefined): 'done' | 'not-done';
}

/** How a followed job ended. */
export interface Followed {
  outcome: 'completed' | 'pivoted' | 'ready';
  confirmedBy: 'event' | 'poll';
}

const MIRRORING: ReadonlySet<BlockJobType> = new Set(['copy', 'active-commit']);

function failure(job: FollowedJob, run: DiskStateRun, status: 'failed' | 'canceled', detail: string): BlockJobError {
  return new BlockJobError(
    { disk: job.disk, job: job.job, status },
    `the ${job.job} job on ${run.ref.name}/${job.disk} ${status}: ${detail}`,
  );
}

/** A point that is not the one waited for, as an error (or `undefined` when it is a job that ended without an event and did finish). */
async function settleGone(run: DiskStateRun, job: FollowedJob, point: JobPoint, budget: Budget): Promise<'done' | BlockJobError> {
  if (point.status === 'failed') return failure(job, run, 'failed', 'QEMU reported an error (see the daemon log)');
  if (point.status === 'canceled') return failure(job, run, 'canceled', 'someone else cancelled it');
  const disk = await readLiveDisk(run, job.disk, budget.call());
  if (job.judge(disk) === 'done') return 'done';
  return failure(job, run, 'canceled', 'the job ended while the SDK could not see its event, and the disk shows it did not finish');
}

/**
 * Follow the job started on `job.disk` to its end. On an abort or a timeout
 * the job is cancelled in libvirt (BLOCK_JOB_ABORT without PIVOT) and the
 * CANCELED event awaited before the error is thrown.
 *
 * @throws {@link BlockJobError} when it failed or was cancelled by someone else · the budget's `AbortError` / `TimeoutError`
 */
export async function followJob(
  run: DiskStateRun,
  watch: BlockJobWatch,
  feed: ProgressFeed<BlockJobProgress>,
  job: FollowedJob,
): Promise<Followed> {
  const mirroring = MIRRORING.has(job.job);
  try {
    const first = await watch.until(new Set([mirroring ? 'ready' : 'completed']), feed, run.budget);
    if (first.status === 'completed' && !mirroring) return { outcome: 'completed', confirmedBy: first.confirmedBy };
    if (first.status !== 'ready') {
      const settled = await settleGone(run, job, first, run.budget);
      if (settled !== 'done') throw settled;
      return { outcome: mirroring ? 'pivoted' : 'completed', confirmedBy: 'poll' };
    }
    // READY by event may come before any poll (a small disk): report where the job stands, in sync.
    if (first.confirmedBy === 'event') await watch.report(feed, run.budget);
    if (!job.pivot) return { outcome: 'ready', confirmedBy: first.confirmedBy };
    try {
      await run.ctx.connection.domains.blockJobs.abort(run.ref, job.disk, { ...run.budget.call(), pivot: true });
    } catch (error) {
      // Sent but unanswered (link lost, timed out): the pivot may have happened; the watch finds out.
      if (!outcomeUnknown(error) || run.budget.signal?.aborted === true) throw error;
    }
    const second = await watch.until(new Set(['completed']), feed, run.budget);
    if (second.status === 'completed') return { outcome: 'pivoted', confirmedBy: second.confirmedBy };
    const settled = await settleGone(run, job, second, run.budget);
    if (settled !== 'done') throw settled;
    return { outcome: 'pivoted', confirmedBy: 'poll' };
  } catch (error) {
    // Anything but a job that already ended (BlockJobError) may leave it running: an abort, a timeout, a refused
    // pivot, a read that failed for good. A job is never left behind by a failed operation.
    if (!(error instanceof BlockJobError)) await cancelJob(run, watch, feed, job.disk);
    throw error;
  }
}

/**
 * Cancel the disk's job and wait for libvirt to say it is cancelled (or gone).
 * Failures are logged, not thrown: the caller's own error is the one to report.
 */
export async function cancelJob(
  run: DiskStateRun,
  watch: BlockJobWatch,
  feed: ProgressFeed<BlockJobProgress>,
  disk: string,
): Promise<void> {
  const budget = new Budget(CANCEL_TIMEOUT);
  try {
    await run.ctx.connection.domains.blockJobs.abort(run.ref, disk, budget.call());
  } catch (error) {
    // VIR_ERR_OPERATION_INVALID: no job any more (it ended meanwhile); anything else is logged and waited out below.
    if (!isLibvirtCode(error, VirErrorCode.VIR_ERR_OPERATION_INVALID))
      logSafely(run.ctx.logger, 'warn', 'cancelling the block job failed', { domain: run.ref.name, disk, error: String(error) });
  }
  try {
    await watch.until(new Set(['canceled']), feed, budget);
  } catch (error) {
    logSafely(run.ctx.logger, 'warn', 'the cancelled block job was not confirmed gone', {
      domain: run.ref.name,
      disk,
      error: String(error),
    });
  }
}
