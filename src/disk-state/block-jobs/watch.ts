/**
 * Following one disk's block job to an end: libvirt's BLOCK_JOB_2 events
 * when they come, GET_BLOCK_JOB_INFO polls for progress and as the fallback.
 * The watch survives a reconnect: the connection re-registers the event on
 * the new link by itself, and the watch polls at once after it (events sent
 * while the link was down are lost; the job itself runs on in QEMU).
 *
 * @module
 */
import {
  type BlockJobInfo,
  type BlockJobStatus,
  type DomainBlockJobEvent,
  type LibvirtEvent,
  logSafely,
} from '../../connection/internal.js';
import { retriable } from '../../lifecycle/internal.js';
import { type Budget, CALL_CAP_MS, type ProgressFeed, waitUntil } from '../../runtime/index.js';
import type { DiskStateRun } from '../context.js';
import type { BlockJobProgress } from './options.js';

/** How a watched job reached the point waited for. `'gone'`: the disk has no job any more and no event said why. */
export interface JobPoint {
  status: 'completed' | 'failed' | 'canceled' | 'ready' | 'gone';
  confirmedBy: 'event' | 'poll';
}

/** How long a job may be gone from GET_BLOCK_JOB_INFO before the watch stops waiting for its event (it follows the removal). */
const GONE_GRACE_MS = 2_000;

/** Job types that mirror until pivoted: READY is theirs. */
const MIRRORING = new Set(['copy', 'active-commit']);

/** One disk's block job, watched. Open it before starting the job, so no event is missed; close it after. */
export class BlockJobWatch {
  readonly #run: DiskStateRun;
  readonly #disk: string;
  readonly #abort = new AbortController();
  readonly #events: DomainBlockJobEvent[] = [];
  #wake: (() => void) | null = null;
  #reconnected = false;
  #reconnects = 0;
  #live = false;
  readonly #onReconnected = (): void => {
    this.#reconnects++;
    this.#reconnected = true;
    this.#wake?.();
  };

  private constructor(run: DiskStateRun, disk: string) {
    this.#run = run;
    this.#disk = disk;
  }

  /**
   * Subscribe to the VM's block-job events and wait for the daemon to
   * register them. A failed registration is no error: the watch then polls.
   */
  static async open(run: DiskStateRun, disk: string): Promise<BlockJobWatch> {
    const watch = new BlockJobWatch(run, disk);
    const { connection, logger } = run.ctx;
    connection.on('reconnected', watch.#onReconnected);
    try {
      const subscription = connection.events({
        types: ['domain.block-job'],
        domain: run.ref,
        bufferSize: 256,
        signal: watch.#abort.signal,
        registration: run.budget.call(10_000),
      });
      await subscription.ready;
      watch.#live = true;
      void watch.#pump(subscription);
    } catch (error) {
      if (run.budget.signal?.aborted === true) {
        watch.close();
        throw run.budget.abortError(`registering for block-job events of ${run.ref.name}`);
      }
      logSafely(logger, 'warn', 'block-job event registration failed: following the job by polling', {
        domain: run.ref.name,
        error: String(error),
      });
    }
    return watch;
  }

  /** Times the connection was re-established since the watch opened. */
  get reconnects(): number {
    return this.#reconnects;
  }

  async #pump(subscription: AsyncIterable<LibvirtEvent>): Promise<void> {
    try {
      for await (const event of subscription) {
        if (event.type !== 'domain.block-job' || event.disk !== this.#disk) continue;
        this.#events.push(event);
        this.#wake?.();
      }
    } catch (error) {
      logSafely(this.#run.ctx.logger, 'debug', 'block-job event subscription ended', { domain: this.#run.ref.name, error: String(error) });
    } finally {
      this.#live = false;
    }
  }

  /** Events of this disk received and not yet consumed, oldest first. */
  #takeEvent(): DomainBlockJobEvent | undefined {
    return this.#events.shift();
  }

  /**
   * Wait until the job reaches one of `points` (a failure, a cancel or the
   * job's end always ends the wait), pushing progress to `feed` at each
   * poll. Polls every `pollInterval`, at once after a reconnect, and rides
   * out reads that fail while the link is re-established.
   *
   * @throws the budget's `TimeoutError` / `AbortError`
   */
  async until(points: ReadonlySet<BlockJobStatus>, feed: ProgressFeed<BlockJobProgress>, budget: Budget): Promise<JobPoint> {
    const { ctx, ref } = this.#run;
    let goneSince: number | undefined;
    return waitUntil<JobPoint>({
      budget,
      what: () => `block job on ${ref.name}/${this.#disk} to reach ${[...points].join(' or ')}`,
      pollInterval: ctx.pollInterval,
      subscribe: (wake) => {
        this.#wake = wake;
        return () => {
          this.#wake = null;
        };
      },
      probe: async (trigger) => {
        for (let event = this.#takeEvent(); event !== undefined; event = this.#takeEvent()) {
          if (event.status === 'completed' || event.status === 'failed' || event.status === 'canceled' || points.has(event.status))
            return { status: event.status, confirmedBy: 'event' } as JobPoint;
        }
        const reconnected = this.#reconnected;
        this.#reconnected = false;
        if (trigger === 'event' && !reconnected) return undefined;
        const info = await this.#read(budget);
        if (info === undefined) return undefined;
        if (info === null) {
          // No job: its end event may still be on its way (libvirt removes the job while it emits it).
          goneSince ??= Date.now();
          if (this.#live && !reconnected && Date.now() - goneSince < GONE_GRACE_MS) return undefined;
          return { status: 'gone', confirmedBy: 'poll' };
        }
        goneSince = undefined;
        const progress = { disk: this.#disk, job: info.type, cur: info.cur, end: info.end, bandwidth: info.bandwidth };
        feed.push(progress);
        // libvirt 9.0 holds `cur` at `end - 1` until QEMU says a mirror is in sync (seen on the daemon), so equal means READY.
        if (points.has('ready') && MIRRORING.has(info.type) && info.end > 0 && info.cur === info.end)
          return { status: 'ready', confirmedBy: 'poll' };
        return undefined;
      },
    });
  }

  /** One progress read pushed to `feed` (at READY the job is still there, `cur === end`); failures are ignored. */
  async report(feed: ProgressFeed<BlockJobProgress>, budget: Budget): Promise<void> {
    const info = await this.#read(budget).catch(() => undefined);
    if (info) feed.push({ disk: this.#disk, job: info.type, cur: info.cur, end: info.end, bandwidth: info.bandwidth });
  }

  /** GET_BLOCK_JOB_INFO; `undefined` when the read failed in a way a later one may not (link being re-established, timed out). */
  async #read(budget: Budget): Promise<BlockJobInfo | null | undefined> {
    const { ctx, ref } = this.#run;
    try {
      return await ctx.connection.domains.blockJobs.info(ref, this.#disk, budget.call(CALL_CAP_MS));
    } catch (error) {
      if (budget.signal?.aborted === true) throw budget.abortError(`reading the block job of ${ref.name}/${this.#disk}`);
      if (!retriable(ctx.lifecycle, error)) throw error;
      logSafely(ctx.logger, 'debug', 'block job read failed; retrying', { domain: ref.name, error: String(error) });
      return undefined;
    }
  }

  /** Unsubscribe. Idempotent. */
  close(): void {
    this.#run.ctx.connection.off('reconnected', this.#onReconnected);
    this.#abort.abort();
  }
}
