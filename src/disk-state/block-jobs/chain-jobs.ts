/**
 * Block commit and block pull: shorten a running VM's image chain, either
 * by committing overlays down into a backing image (an active commit pivots
 * to it, like a copy) or by pulling the backing chain up into the top image.
 * Both end when the chain is shorter. Following a job someone else started
 * (after a reconnect, from another process) is here too.
 *
 * @module
 */
import { type BlockJobType, InvalidArgumentError, InvalidStateError } from '../../connection/internal.js';
import { outcomeUnknown } from '../../creator/internal.js';
import type { ProgressFeed } from '../../runtime/index.js';
import type { DiskStateRun } from '../context.js';
import { type LiveDisk, readLiveDisk, requireLiveDisk } from './disk-view.js';
import { cancelJob, followJob } from './follow.js';
import type { BlockCommitOptions, BlockJobProgress, BlockJobResult, BlockJobWaitOptions, BlockPullOptions } from './options.js';
import { checkRunnable, jobResult } from './shared.js';
import { BlockJobWatch } from './watch.js';

/** A job that ended without an event the SDK saw finished if the disk moved to another image or its chain got shorter. */
function judgeAgainst(start: LiveDisk): (now: LiveDisk | undefined) => 'done' | 'not-done' {
  return (now) => (now !== undefined && (now.chain[0] !== start.chain[0] || now.chain.length < start.chain.length) ? 'done' : 'not-done');
}

function requireBacking(run: DiskStateRun, disk: LiveDisk, target: string): void {
  if (disk.chain.length < 2)
    throw new InvalidArgumentError(
      `disk ${JSON.stringify(target)} of ${JSON.stringify(run.ref.name)} has no backing image: nothing to ${run.operation === 'blockPull' ? 'pull' : 'commit'}`,
      { path: 'disk' },
    );
}

/** Start a job with `start` (watched from before the call), follow it, and build the result. */
async function runChainJob(
  run: DiskStateRun,
  disk: string,
  job: BlockJobType,
  pivot: boolean,
  before: LiveDisk,
  feed: ProgressFeed<BlockJobProgress>,
  start: () => Promise<void>,
): Promise<BlockJobResult> {
  const watch = await BlockJobWatch.open(run, disk);
  try {
    try {
      await start();
    } catch (error) {
      // Sent but unanswered: a job may be running; a failed call leaves none behind.
      if (outcomeUnknown(error)) await cancelJob(run, watch, feed, disk);
      throw error;
    }
    const followed = await followJob(run, watch, feed, { disk, job, pivot, judge: judgeAgainst(before) });
    const after = await readLiveDisk(run, disk, run.budget.call());
    return jobResult(run, disk, job, followed, feed, watch.reconnects, after);
  } finally {
    watch.close();
  }
}

/**
 * Commit overlays of `options.disk` down into a backing image.
 * @see BlockJobManager.commit
 */
export async function commitDisk(
  run: DiskStateRun,
  options: BlockCommitOptions,
  feed: ProgressFeed<BlockJobProgress>,
): Promise<BlockJobResult> {
  await checkRunnable(run);
  const before = await requireLiveDisk(run, options.disk, run.budget.call());
  requireBacking(run, before, options.disk);
  const active = options.top === undefined || options.top === before.chain[0];
  return runChainJob(run, options.disk, active ? 'active-commit' : 'commit', options.pivot !== false, before, feed, () =>
    run.ctx.connection.domains.blockJobs.commit(run.ref, options.disk, {
      ...run.budget.call(),
      active,
      ...(options.base === undefined ? {} : { base: options.base }),
      ...(options.top === undefined || active ? {} : { top: options.top }),
      ...(options.bandwidth === undefined ? {} : { bandwidth: options.bandwidth }),
    }),
  );
}

/**
 * Pull `options.disk`'s backing chain into its top image.
 * @see BlockJobManager.pull
 */
export async function pullDisk(
  run: DiskStateRun,
  options: BlockPullOptions,
  feed: ProgressFeed<BlockJobProgress>,
): Promise<BlockJobResult> {
  await checkRunnable(run);
  const before = await requireLiveDisk(run, options.disk, run.budget.call());
  requireBacking(run, before, options.disk);
  return runChainJob(run, options.disk, 'pull', false, before, feed, () =>
    run.ctx.connection.domains.blockJobs.pull(run.ref, options.disk, {
      ...run.budget.call(),
      ...(options.bandwidth === undefined ? {} : { bandwidth: options.bandwidth }),
    }),
  );
}

/**
 * Follow the job already running on `disk` to its end (pivoting a READY
 * copy or active commit unless `pivot: false`).
 * @see BlockJobManager.wait
 */
export async function followExisting(
  run: DiskStateRun,
  disk: string,
  options: BlockJobWaitOptions,
  feed: ProgressFeed<BlockJobProgress>,
): Promise<BlockJobResult> {
  const before = await requireLiveDisk(run, disk, run.budget.call());
  const watch = await BlockJobWatch.open(run, disk);
  try {
    const info = await run.ctx.connection.domains.blockJobs.info(run.ref, disk, run.budget.call());
    if (info === null)
      throw new InvalidStateError(run.operation, 'no block job', `VM ${JSON.stringify(run.ref.name)} has no block job on ${disk}`);
    feed.push({ disk, job: info.type, cur: info.cur, end: info.end, bandwidth: info.bandwidth });
    const followed = await followJob(run, watch, feed, {
      disk,
      job: info.type,
      pivot: options.pivot !== false,
      judge: judgeAgainst(before),
    });
    const after = await readLiveDisk(run, disk, run.budget.call());
    return jobResult(run, disk, info.type, followed, feed, watch.reconnects, after);
  } finally {
    watch.close();
  }
}
