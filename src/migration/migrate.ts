/**
 * One migration from its checks to its confirmed end: in the VM's turn on
 * the source, the destination volumes made first (copied storage; for a
 * shut-off VM the SDK streams their data too, see offline-copy.ts), the
 * transfer, progress from the job statistics, the caller's abort or timeout
 * as ABORT_JOB, the result confirmed on both hosts, then the source's copied
 * volumes deleted by the destroyer's rules. A failure removes what was made
 * on the destination and leaves the VM on the source.
 *
 * @module
 */
import {
  type DomainJobStats,
  type DomainRef,
  InvalidArgumentError,
  InvalidStateError,
  LibvirtConnection,
  type LibvirtError,
} from '../connection/internal.js';
import { CompensationLog } from '../creator/internal.js';
import { emptyReport, planVolumes } from '../destroyer/internal.js';
import { everyDefinition, recordOwned } from '../devices/internal.js';
import { ConnectionClosedError, MigrationError, TransportError } from '../errors/index.js';
import { readState, runOperation } from '../lifecycle/internal.js';
import { Budget, CALL_CAP_MS, type ProgressFeed, type VmInput, refusal, verdict, waitUntil } from '../runtime/index.js';
import { buildDomainXml, parseDomainXml } from '../xml/index.js';
import type { MigrationContext } from './context.js';
import { type CheckedMigrateOptions, type MigrationProgress, migrateFlags, migrateParams } from './options.js';
import type { MigrationResult } from './result.js';
import { checkOfflineCopy, copyDisks, movedDefinition } from './offline-copy.js';
import { type CopiedDisk, makeDestinationVolumes, makePlannedVolumes, planDestinationVolumes } from './storage.js';
import { transfer } from './transfer.js';
import { LifecycleWatch, progressOf } from './watch.js';

/** How long, after the transfer, both hosts get to show the VM where it belongs (ms). */
const CONFIRM_TIMEOUT = 60_000;

/** What the caller's handle needs to reach the running migration. */
export interface LiveMigration {
  ref?: DomainRef;
}

/** Classify a transfer failure that was not the caller's abort or timeout. */
function classify(error: unknown, destDown: boolean, sourceState: string | undefined): MigrationError {
  const message = error instanceof Error ? error.message : String(error);
  if (/same host/i.test(message))
    return new MigrationError({ reason: 'same-host', sourceState }, `the destination is the source host: ${message}`, { cause: error });
  if (
    destDown ||
    error instanceof ConnectionClosedError ||
    error instanceof TransportError ||
    /unable to connect|lost connection|client socket is closed|connection (reset|refused)|End of file/i.test(message)
  )
    return new MigrationError({ reason: 'destination-unreachable', sourceState }, `the destination went away: ${message}`, {
      cause: error,
    });
  return new MigrationError({ reason: 'failed', sourceState }, `migration failed: ${message}`, { cause: error });
}

/** Run one migration of `vm` (see `MigrationManager.migrate`). */
export function migrate(
  ctx: MigrationContext,
  vm: VmInput,
  o: CheckedMigrateOptions,
  signal: AbortSignal | undefined,
  feed: ProgressFeed<MigrationProgress>,
  live: LiveMigration,
): Promise<MigrationResult> {
  const budget = new Budget(o.timeout, signal);
  const started = Date.now();
  return runOperation(ctx.lifecycle, 'migrate', vm, budget, async (run) => {
    const { ref } = run;
    const source = ctx.connection;
    const state = await readState(run);
    const v = verdict('migrate', state.state);
    if (typeof v === 'object' && 'refuse' in v) throw refusal('migrate', state.state, ref.name, v.refuse);
    const active = state.state !== 'shutoff';
    // The caller's expectation (virsh --live / --offline), checked against the state read in the VM's turn.
    if (o.live !== undefined && o.live !== active)
      throw new InvalidStateError(
        'migrate',
        state.state,
        active
          ? `${ref.name} is ${state.state}: an offline migration needs it shut off`
          : `${ref.name} is shut off: nothing runs to migrate live`,
      );
    const persistent = await source.domains.isPersistent(ref, budget.call(CALL_CAP_MS));
    if (!active && !persistent) throw new InvalidArgumentError('a transient VM that is not running has nothing to migrate', { path: 'vm' });
    // A URI alone (p2p, shared storage): the source daemon reaches it; the SDK opens no connection of its own.
    const dest = o.to instanceof LibvirtConnection ? o.to : undefined;
    const peerUri = o.peerUri ?? (dest === undefined ? (o.to as string) : dest.uri);
    const log = new CompensationLog();
    const watches: LifecycleWatch[] = [];
    // Set once the VM is on the destination (the transfer succeeded, or failed after it got there): it runs on what
    // was made there, so nothing is rolled back.
    let moved = false;
    try {
      const model = parseDomainXml(await source.domains.getXml(ref, budget.call(CALL_CAP_MS)));
      let copied: CopiedDisk[] = [];
      const made = new Map<string, string>();
      if (o.storage !== 'shared') {
        const call = () => budget.call(CALL_CAP_MS);
        if (active) copied = await makeDestinationVolumes(source, dest!, model, o.pool, log, call);
        else {
          // Offline: no QEMU to copy over NBD; the SDK streams each volume itself, then the definition moves.
          const planned = await planDestinationVolumes(source, dest!, model, o.pool, call, false);
          const disks = await checkOfflineCopy(source, dest!, planned, o.storage, call);
          copied = await makePlannedVolumes(dest!, planned, log, call);
          await copyDisks(source, dest!, disks, budget, feed);
        }
        for (const c of copied) made.set(c.path, (await dest!.storage.volumes.lookupByPath(c.path, call())).key);
      }
      const flags = migrateFlags(o, { active, persistent });
      // Offline, the disks are copied already: libvirt takes migrate_disks only with NON_SHARED_*.
      const params = migrateParams(o, active ? copied.map((c) => c.target) : []);
      if (copied.some((c) => c.path !== c.sourcePath))
        params.push({ field: 'destination_xml', type: 'string', value: buildDomainXml(movedDefinition(model, copied, made)) });
      if (o.maxDowntime !== undefined) await source.domains.migration.setMaxDowntime(ref, o.maxDowntime, budget.call(CALL_CAP_MS));
      const srcWatch = await LifecycleWatch.open(source, ref, ctx.logger);
      const dstWatch = dest === undefined ? undefined : await LifecycleWatch.open(dest, ref, ctx.logger);
      watches.push(srcWatch, ...(dstWatch === undefined ? [] : [dstWatch]));
      live.ref = ref;
      // Told when the caller's abort or timeout cancels the job: a managed transfer then starts no further step.
      const cancel = new AbortController();
      // No signal on the call itself: the abort goes through ABORT_JOB; the time left plus a grace bounds it.
      const callTimeout = Number.isFinite(budget.remaining()) ? budget.remaining() + ctx.jobEndGrace : undefined;
      const transferring = transfer({
        source,
        dest,
        ref,
        mode: o.mode,
        peerUri,
        params,
        flags,
        paused: state.state === 'paused',
        call: callTimeout === undefined ? {} : { timeout: callTimeout },
        cancelled: cancel.signal,
      });
      const outcome = await watchJob(ctx, ref, o, budget, feed, transferring, active, cancel);
      if (outcome.error !== undefined) {
        const sourceState = (await source.domains.getState(ref, { timeout: CALL_CAP_MS }).catch(() => undefined))?.state;
        // A failed transfer whose VM is on the destination all the same (a failed post-copy: paused there with the
        // newest guest state, for a recovery) runs on those volumes: they stay. Unknown counts as there.
        moved = dest !== undefined && (await dest.domains.exists(ref.uuid, { timeout: CALL_CAP_MS }).catch(() => true));
        const report = moved ? { undone: [], failed: [], complete: false } : await log.rollback();
        const what = outcome.gaveUp === true ? `migrating (${(outcome.error as Error).message})` : 'migrating';
        const error =
          outcome.cancelledBy === 'abort'
            ? budget.abortError(what)
            : outcome.cancelledBy === 'timeout'
              ? budget.timeoutError(what)
              : classify(outcome.error, dest !== undefined && dest.state !== 'open', sourceState);
        Object.assign(error, { rollback: report });
        throw error;
      }
      moved = true;
      // Confirmed on both hosts: the destination runs it (or holds its definition), the source let go.
      const confirmBudget = new Budget(Math.min(CONFIRM_TIMEOUT, Math.max(1000, budget.remaining())));
      const destRef = dest === undefined ? ref : await dest.domains.lookup(ref.uuid, confirmBudget.call(CALL_CAP_MS));
      const want = active ? (state.state === 'paused' ? 'paused' : 'running') : 'shutoff';
      await waitUntil({
        budget: confirmBudget,
        what: `${ref.name} ${want} on the destination and gone from the source`,
        subscribe: (wake) => {
          const a = srcWatch.subscribe(wake);
          const b = dstWatch?.subscribe(wake) ?? (() => undefined);
          return () => (a(), b());
        },
        pollInterval: 1000,
        probe: async () => {
          const there = dest === undefined ? { state: want } : await dest.domains.getState(destRef, confirmBudget.call(CALL_CAP_MS));
          const here = await source.domains.getState(ref, confirmBudget.call(CALL_CAP_MS)).catch((e: unknown) => {
            if ((e as { name?: string }).name === 'DomainNotFoundError') return undefined;
            throw e;
          });
          return there.state === want && (here === undefined || here.state === 'shutoff') ? true : undefined;
        },
      });
      const sourceGone = !(await source.domains.exists(ref.uuid, confirmBudget.call(CALL_CAP_MS)).catch(() => true));
      // The volumes made on the destination are the VM's there: recorded as owned (a record that travelled already lists the source's owned ones).
      const destPersistent = dest === undefined ? false : await dest.domains.isPersistent(destRef, confirmBudget.call(CALL_CAP_MS));
      for (const c of dest === undefined ? [] : copied) {
        await recordOwned(
          { ctx: { connection: dest!, logger: ctx.logger }, ref: destRef },
          everyDefinition(active, destPersistent),
          { role: 'disk', pool: c.pool, name: c.name, path: c.path, format: c.format, key: made.get(c.path)! },
          confirmBudget.call(CALL_CAP_MS),
        );
      }
      // The source's copies: deleted only when the SDK owns them, the source definition is gone, and no other domain uses them.
      const volumes = emptyReport();
      if (copied.length > 0 && sourceGone) {
        const paths = new Set(copied.map((c) => c.sourcePath));
        const owned = planVolumes(model, 'owned').delete.filter((r) => r.path !== undefined && paths.has(r.path));
        await ctx.volumes.delete(ref, owned, () => confirmBudget.call(CALL_CAP_MS), volumes);
      }
      const stats = await (dest ?? source).domains.jobs
        .getStats(destRef, { completed: true, ...confirmBudget.call(CALL_CAP_MS) })
        .catch(() => undefined);
      return {
        domain: destRef,
        destinationUri: dest?.uri ?? peerUri,
        mode: o.mode,
        live: active,
        copiedDisks: copied,
        sourceVolumesDeleted: volumes.volumesDeleted,
        sourceVolumesKept: volumes.volumesKept,
        confirmedBy: {
          source: srcWatch.saw('stopped', 'migrated') || srcWatch.saw('undefined', 'removed') ? 'event' : 'state',
          destination:
            dstWatch === undefined
              ? 'unverified'
              : (
                    active
                      ? dstWatch.saw('resumed', 'migrated') || dstWatch.saw('resumed', 'postcopy')
                      : dstWatch.seen.some((e) => e.event === 'defined')
                  )
                ? 'event'
                : 'state',
        },
        postCopied: srcWatch.saw('suspended', 'postcopy') || dstWatch?.saw('resumed', 'postcopy') === true,
        stats,
        durationMs: Date.now() - started,
      } satisfies MigrationResult;
    } catch (error) {
      if (!moved && log.pending > 0) await log.rollback();
      throw error;
    } finally {
      for (const w of watches) w.close();
      live.ref = undefined;
    }
  });
}

interface JobOutcome {
  error?: unknown;
  cancelledBy?: 'abort' | 'timeout';
  /** The job did not end within the context's `jobEndGrace` of the cancel. */
  gaveUp?: boolean;
}

/**
 * Read the job statistics as progress until the transfer settles; when the
 * caller aborts or the budget runs out, ask the source to abort the job
 * (again on each poll until it took) and wait for the transfer to return.
 */
async function watchJob(
  ctx: MigrationContext,
  ref: DomainRef,
  o: CheckedMigrateOptions,
  budget: Budget,
  feed: ProgressFeed<MigrationProgress>,
  transferring: Promise<void>,
  active: boolean,
  cancel: AbortController,
): Promise<JobOutcome> {
  let settled: JobOutcome | undefined;
  const done = transferring.then(
    () => (settled = {}),
    (error: unknown) => (settled = { error }),
  );
  let cancelledBy: 'abort' | 'timeout' | undefined;
  let cancelledAt: number | undefined;
  const jobs = ctx.connection.domains.jobs;
  const aborted = abortPromise(budget.signal);
  try {
    while (settled === undefined) {
      if (cancelledBy === undefined && budget.signal?.aborted === true) cancelledBy = 'abort';
      if (cancelledBy === undefined && budget.remaining() <= 0) cancelledBy = 'timeout';
      if (cancelledBy !== undefined) {
        cancel.abort();
        cancelledAt ??= Date.now();
        // Without a time limit the transfer call has no timeout of its own: the grace bounds the wait for the job's end.
        if (Date.now() - cancelledAt >= ctx.jobEndGrace) {
          const error = new Error(`the migration job did not end within ${ctx.jobEndGrace} ms of ABORT_JOB; it may still run`);
          return { error, cancelledBy, gaveUp: true };
        }
        await jobs.abort(ref, { timeout: CALL_CAP_MS }).catch(() => undefined);
      } else if (active) {
        const stats: DomainJobStats | undefined = await jobs.getStats(ref, { timeout: CALL_CAP_MS }).catch(() => undefined);
        if (stats !== undefined && stats.type !== 'none') feed.push(progressOf(stats));
      }
      let timer: NodeJS.Timeout | undefined;
      // Once cancelled, the (already fired) abort no longer ends the pause: ABORT_JOB is repeated once per poll.
      const wake = cancelledBy === undefined ? [aborted.promise] : [];
      await Promise.race([done, new Promise((r) => (timer = setTimeout(r, o.pollInterval))), ...wake]);
      clearTimeout(timer);
    }
  } finally {
    // The caller's signal may outlive many migrations: what was added to it goes.
    aborted.dispose();
  }
  const outcome = settled as JobOutcome;
  // The job finished before the abort took: the VM moved; report success.
  if (outcome.error === undefined) return outcome;
  return cancelledBy === undefined ? outcome : { error: outcome.error as LibvirtError, cancelledBy };
}

/** A promise that resolves when `signal` fires, and the removal of its listener. */
function abortPromise(signal: AbortSignal | undefined): { promise: Promise<void>; dispose: () => void } {
  if (signal === undefined) return { promise: new Promise(() => undefined), dispose: () => undefined };
  let onAbort: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    onAbort = () => resolve();
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}
