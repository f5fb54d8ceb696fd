/**
 * Small pieces every block-job operation uses: the state check before a job
 * starts, and the result built from how it ended.
 *
 * @module
 */
import type { BlockJobType } from '../../connection/internal.js';
import { CALL_CAP_MS, type ProgressFeed, refusal, verdict } from '../../runtime/index.js';
import type { DiskStateRun } from '../context.js';
import type { LiveDisk } from './disk-view.js';
import type { Followed } from './follow.js';
import type { BlockJobProgress, BlockJobResult } from './options.js';

/**
 * The VM must have a QEMU process (running or paused).
 * @throws {@link InvalidStateError} otherwise, before anything is sent
 */
export async function checkRunnable(run: DiskStateRun): Promise<void> {
  const state = await run.ctx.connection.domains.getState(run.ref, run.budget.call(CALL_CAP_MS));
  const decision = verdict(run.operation, state.state);
  if (typeof decision === 'object' && 'refuse' in decision) throw refusal(run.operation, state.state, run.ref.name, decision.refuse);
}

/** The result of a job that ended as `followed`. */
export function jobResult(
  run: DiskStateRun,
  disk: string,
  job: BlockJobType,
  followed: Followed,
  feed: ProgressFeed<BlockJobProgress>,
  reconnects: number,
  after: LiveDisk | undefined,
): BlockJobResult {
  return {
    domain: run.ref,
    disk,
    job,
    outcome: followed.outcome,
    confirmedBy: followed.confirmedBy,
    progress: feed.last,
    reconnects,
    elapsedMs: run.budget.elapsed(),
    chain: after?.chain ?? [],
  };
}
