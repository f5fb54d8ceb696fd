/**
 * One backup job, from the call that starts it to its confirmed end:
 * JOB_COMPLETED (subscribed before the start, so it cannot be missed) with
 * the job statistics polled as progress and as the fallback when events do
 * not come; the caller's abort (or timeout) becomes ABORT_JOB, then a wait
 * until libvirt has really let go of the target files.
 *
 * @module
 */
import { type DomainJobStats, type EventStream, type LibvirtEvent, logSafely } from '../../connection/internal.js';
import { JobFailedError, TimeoutError } from '../../errors/index.js';
import { Budget, CALL_CAP_MS, type ProgressFeed, waitUntil } from '../../runtime/index.js';
import type { BackupModel } from '../../xml/index.js';
import type { DiskStateRun } from '../context.js';
import type { BackupProgress } from './options.js';

/** How long, after an abort or a lost start, the SDK waits for libvirt to end the job before it gives up on the targets. */
export const JOB_END_TIMEOUT = 120_000;

/** Polls that find no job and no new completed stats before the end counts as unreported. */
const UNREPORTED_POLLS = 3;

/** How a job ended. */
export interface JobEnd {
  stats: DomainJobStats;
  confirmedBy: 'event' | 'poll';
}

/** What the job run needs to know besides the run. */
export interface BackupJobRequest {
  model: BackupModel;
  checkpointXml: string | undefined;
  feed: ProgressFeed<BackupProgress>;
}

/** JOB_COMPLETED of this VM's backup, as it arrives; `wake` is called on each. */
class CompletionWatch {
  ended: DomainJobStats | undefined;
  live = false;
  #wake: (() => void) | undefined;
  readonly #abort = new AbortController();

  static async open(run: DiskStateRun): Promise<CompletionWatch> {
    const watch = new CompletionWatch();
    const { connection } = run.ctx;
    let stream: EventStream;
    try {
      stream = connection.events({
        types: ['domain.job-completed'],
        domain: run.ref,
        bufferSize: 16,
        signal: watch.#abort.signal,
        registration: { timeout: CALL_CAP_MS },
      });
      await stream.ready;
    } catch (error) {
      logSafely(run.ctx.logger, 'warn', 'JOB_COMPLETED registration failed: confirming the backup by polling', {
        domain: run.ref.name,
        error: String(error),
      });
      return watch;
    }
    watch.live = true;
    void watch.#pump(stream);
    return watch;
  }

  async #pump(stream: AsyncIterable<LibvirtEvent>): Promise<void> {
    try {
      for await (const event of stream) {
        if (event.type === 'domain.job-completed' && event.stats.operation === 'backup') {
          this.ended = event.stats;
          this.#wake?.();
        }
      }
    } catch {
      // The subscription ended (link lost): polling carries on.
    } finally {
      this.live = false;
      this.#wake?.();
    }
  }

  subscribe(wake: () => void): () => void {
    this.#wake = wake;
    return () => {
      this.#wake = undefined;
    };
  }

  close(): void {
    this.#abort.abort();
  }
}

function fingerprint(stats: DomainJobStats | undefined): string {
  return stats === undefined ? '' : JSON.stringify(stats.params, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** A running backup's stats as progress (`disk_total` can be 0 for a moment at the start). */
function progressOf(stats: DomainJobStats): BackupProgress {
  return { processed: stats.diskProcessed ?? 0, total: stats.diskTotal ?? 0, elapsedMs: stats.timeElapsed ?? 0 };
}

/**
 * Wait until the VM's backup job has ended, reporting progress meanwhile.
 * Resolves with the final stats (from JOB_COMPLETED, or the completed job's
 * stats when the job is gone and no event came).
 */
async function waitForEnd(
  run: DiskStateRun,
  watch: CompletionWatch,
  budget: Budget,
  before: string,
  feed?: ProgressFeed<BackupProgress>,
): Promise<JobEnd> {
  const jobs = run.ctx.connection.domains.jobs;
  let unreported = 0;
  return waitUntil<JobEnd>({
    budget,
    what: `waiting for the backup of ${run.ref.name} to end`,
    subscribe: (wake) => watch.subscribe(wake),
    pollInterval: run.ctx.pollInterval,
    probe: async () => {
      if (watch.ended !== undefined) return { stats: watch.ended, confirmedBy: 'event' };
      const now = await jobs.getStats(run.ref, budget.call(CALL_CAP_MS));
      if (watch.ended !== undefined) return { stats: watch.ended, confirmedBy: 'event' };
      if ((now.type === 'bounded' || now.type === 'unbounded') && now.operation === 'backup') {
        feed?.push(progressOf(now));
        return undefined;
      }
      // No backup job any more: libvirt keeps the finished job's stats (read without discarding them).
      const done = await jobs.getStats(run.ref, { ...budget.call(CALL_CAP_MS), completed: true });
      if (watch.ended !== undefined) return { stats: watch.ended, confirmedBy: 'event' };
      if (done.operation === 'backup' && done.type !== 'none' && fingerprint(done) !== before) return { stats: done, confirmedBy: 'poll' };
      if (++unreported < UNREPORTED_POLLS) return undefined;
      return { stats: { ...done, type: 'none', typeCode: 0 }, confirmedBy: 'poll' };
    },
  });
}

/**
 * After JOB_COMPLETED, wait until libvirt has ended the domain job: the
 * event comes first (measured: ~40 ms before the job is gone, ~150 ms after
 * an abort) and QEMU still holds the target files meanwhile.
 */
async function awaitNoJob(run: DiskStateRun, budget: Budget): Promise<void> {
  const jobs = run.ctx.connection.domains.jobs;
  await waitUntil<true>({
    budget,
    what: `waiting for libvirt to release the backup job of ${run.ref.name}`,
    subscribe: () => () => undefined,
    pollInterval: Math.min(run.ctx.pollInterval, 100),
    probe: async () => {
      const now = await jobs.getStats(run.ref, budget.call(CALL_CAP_MS));
      return now.type === 'bounded' || now.type === 'unbounded' ? undefined : true;
    },
  });
}

/** `true` when the job's final stats say it succeeded. */
export function succeeded(stats: DomainJobStats): boolean {
  return stats.success ?? stats.type === 'completed';
}

/**
 * Start the backup and wait for its end. On the caller's abort or timeout
 * (or a start whose outcome is unknown) the job is aborted and its end
 * awaited before the error is thrown, so the targets can be deleted safely.
 *
 * @throws JobFailedError when the job ended without success · AbortError · TimeoutError · the start's `LibvirtError`
 */
export async function runBackupJob(run: DiskStateRun, request: BackupJobRequest): Promise<JobEnd> {
  const jobs = run.ctx.connection.domains.jobs;
  const watch = await CompletionWatch.open(run);
  try {
    const before = fingerprint(await jobs.getStats(run.ref, { ...run.budget.call(CALL_CAP_MS), completed: true }).catch(() => undefined));
    run.budget.check(`starting the backup of ${run.ref.name}`);
    try {
      // Not bound to the caller's signal: an abort must not leave a job whose start is in doubt.
      await jobs.beginBackup(run.ref, request.model, {
        timeout: Math.max(1, Math.min(CALL_CAP_MS, run.budget.remaining())),
        reuseExternal: true,
        ...(request.checkpointXml === undefined ? {} : { checkpoint: request.checkpointXml }),
      });
    } catch (error) {
      if (error instanceof TimeoutError || run.ctx.connection.state !== 'open') await stopJob(run, watch, before).catch(() => undefined);
      throw error;
    }
    let end: JobEnd;
    try {
      end = await waitForEnd(run, watch, run.budget, before, request.feed);
    } catch (error) {
      await stopJob(run, watch, before);
      throw error;
    }
    if (end.confirmedBy === 'event') await awaitNoJob(run, new Budget(JOB_END_TIMEOUT));
    if (!succeeded(end.stats)) {
      const why = end.stats.errmsg ?? (end.stats.type === 'none' ? 'libvirt did not report how it ended' : end.stats.type);
      throw new JobFailedError({ operation: 'backup', errmsg: end.stats.errmsg }, `the backup of ${run.ref.name} failed: ${why}`);
    }
    return end;
  } finally {
    watch.close();
  }
}

/** Abort the VM's backup job (if one runs) and wait until it has ended, within {@link JOB_END_TIMEOUT}. */
async function stopJob(run: DiskStateRun, watch: CompletionWatch, before: string): Promise<void> {
  const budget = new Budget(JOB_END_TIMEOUT);
  try {
    await run.ctx.connection.domains.jobs.abort(run.ref, budget.call(CALL_CAP_MS));
  } catch (error) {
    // No job any more (it ended meanwhile) is fine: the wait below confirms it.
    logSafely(run.ctx.logger, 'debug', 'abort of the backup job failed', { domain: run.ref.name, error: String(error) });
  }
  const end = await waitForEnd(run, watch, budget, before);
  if (end.confirmedBy === 'event') await awaitNoJob(run, budget);
}
