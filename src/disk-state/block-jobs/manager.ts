/**
 * `BlockJobManager`: block copy, commit and pull of a running VM's disks,
 * with progress, confirmed by libvirt's events (polling as the fallback),
 * each in the VM's turn so power operations queue behind it.
 *
 * @module
 */
import {
  type CallOptions,
  InvalidArgumentError,
  type LibvirtConnection,
  checkName,
  checkOnlyCallOptions,
} from '../../connection/internal.js';
import {
  Budget,
  DEFAULT_TIMEOUTS,
  type DiskStateOperation,
  ProgressFeed,
  type VmInput,
  checkCallOptions,
  checkVmInput,
  resolveVm,
} from '../../runtime/index.js';
import { type DiskStateContext, type DiskStateManagerOptions, createDiskStateContext, inTurn } from '../context.js';
import { type DiskStateRequests, type DiskStateResults, performDiskState } from '../perform.js';
import type { BlockJobRequests } from './handlers.js';
import { followExisting } from './chain-jobs.js';
import { liveDiskTargets } from './disk-view.js';
import {
  type BlockCommitOptions,
  type BlockCopyOptions,
  type BlockCopyResult,
  type BlockJobProgress,
  type BlockJobResult,
  type BlockJobTask,
  type BlockJobWaitOptions,
  type BlockPullOptions,
  type FoundBlockJob,
  checkWaitOptions,
} from './options.js';

/** Which operation's turn and budget a found job's follower takes. */
const OPERATION_OF_JOB: Record<string, DiskStateOperation> = {
  copy: 'blockCopy',
  commit: 'blockCommit',
  'active-commit': 'blockCommit',
  pull: 'blockPull',
};

/**
 * Block jobs on running VMs (`virsh blockcopy`, `blockcommit`, `blockpull`,
 * `blockjob`). Each operation resolves when libvirt says the job ended
 * (BLOCK_JOB_2 COMPLETED, or READY then the SDK's pivot), reporting progress
 * `{ cur, end, bandwidth }` to `onProgress` and to the returned task's
 * `progress` iterator. An abort (signal) or a timeout cancels the job in
 * libvirt and waits until it is cancelled. A reconnect in between is ridden
 * out: the job runs on in QEMU, and the SDK polls and re-subscribes.
 *
 * @example
 * const jobs = new BlockJobManager(conn);
 * const task = jobs.copy('web1', { disk: 'vdb', to: { pool: 'fast' } });
 * for await (const p of task.progress) console.log(`${p.cur}/${p.end}`);
 * const { destination, previous } = await task;
 */
export class BlockJobManager {
  readonly #ctx: DiskStateContext;

  /**
   * @param connection an open {@link LibvirtConnection} (shared; never closed here)
   * @throws InvalidArgumentError for a bad `pollInterval`
   */
  constructor(connection: LibvirtConnection, options: DiskStateManagerOptions = {}) {
    if (connection === null || typeof connection !== 'object')
      throw new InvalidArgumentError('connection must be a LibvirtConnection', { path: 'connection' });
    const poll: unknown = options.pollInterval;
    if (poll !== undefined && (typeof poll !== 'number' || !Number.isFinite(poll) || poll < 50))
      throw new InvalidArgumentError('pollInterval must be at least 50 ms', { path: 'pollInterval' });
    this.#ctx = createDiskStateContext(connection, options);
  }

  /** The task of a running job: `promise` settles it, the feed's iterator follows it. */
  #task<R>(promise: Promise<R>, feed: ProgressFeed<BlockJobProgress>): BlockJobTask<R> {
    return Object.assign(feed.endWith(promise), { progress: feed as AsyncIterable<BlockJobProgress> });
  }

  /** Run a block job through the disk-state dispatcher (as the registry's commands do), its progress into one feed. */
  #perform<O extends keyof BlockJobRequests>(vm: VmInput, operation: O, options: BlockJobRequests[O]): BlockJobTask<DiskStateResults[O]> {
    const callback: unknown = (options as { onProgress?: unknown } | undefined)?.onProgress;
    const feed = new ProgressFeed<BlockJobProgress>(
      typeof callback === 'function' ? (callback as (p: BlockJobProgress) => void) : undefined,
    );
    const request = { ...options, onProgress: (p: BlockJobProgress) => feed.push(p) } as DiskStateRequests[O];
    if (callback !== undefined && typeof callback !== 'function')
      return this.#task(Promise.reject(new InvalidArgumentError('onProgress must be a function', { path: 'onProgress' })), feed);
    return this.#task(performDiskState(this.#ctx, vm, operation, request), feed);
  }

  /**
   * Copy a running (or paused) VM's disk to a new image and pivot to it
   * (`virsh blockcopy --pivot`): to a volume the SDK makes in `to.pool`
   * (recorded as owned by the VM once the disk is on it), or to `to.path`.
   * After the pivot the old image is deleted only if the SDK made it for
   * this VM and nothing else uses it (`previous` says what became of it);
   * otherwise it is kept. A failed or aborted copy deletes the volume it
   * made and leaves the disk on its old image. libvirt 9.0 updates the
   * persistent definition to the new image at the pivot, too.
   *
   * Default `timeout`: 3 600 000 ms.
   * @example const { destination, previous } = await jobs.copy('web1', { disk: 'vdb', to: { pool: 'fast' }, bandwidth: 50 * 2 ** 20 });
   * @throws InvalidArgumentError for bad options or an unknown disk; nothing was sent
   * @throws InvalidStateError when the VM is not running or paused
   * @throws BlockJobError when QEMU failed the job or someone else cancelled it · AbortError / TimeoutError (the job was cancelled) · LibvirtError
   * @see virDomainBlockCopy
   * @see virDomainBlockJobAbort
   */
  copy(vm: VmInput, options: BlockCopyOptions): BlockJobTask<BlockCopyResult> {
    return this.#perform(vm, 'blockCopy', options);
  }

  /**
   * Commit a disk's overlays down into a backing image (`virsh blockcommit`).
   * Without `top`, the active image is committed and the disk pivots to
   * `base` once in sync (`--active --pivot`); with `top`, the images from
   * `top` down are merged into `base` and the job ends by itself. The images
   * that leave the chain are kept (they are files nobody uses any more).
   *
   * Default `timeout`: 3 600 000 ms.
   * @example await jobs.commit('web1', { disk: 'vda' }); // merge the top overlay into its backing image, then pivot
   * @throws InvalidArgumentError for bad options, an unknown disk or one with no backing image · InvalidStateError · BlockJobError · AbortError · TimeoutError · LibvirtError
   * @see virDomainBlockCommit
   */
  commit(vm: VmInput, options: BlockCommitOptions): BlockJobTask<BlockJobResult> {
    return this.#perform(vm, 'blockCommit', options);
  }

  /**
   * Pull a disk's whole backing chain into its top image (`virsh blockpull`);
   * the disk then has no backing image.
   *
   * Default `timeout`: 3 600 000 ms.
   * @example await jobs.pull('web1', { disk: 'vda', onProgress: (p) => console.log(p.cur / p.end) });
   * @throws InvalidArgumentError for bad options, an unknown disk or one with no backing image · InvalidStateError · BlockJobError · AbortError · TimeoutError · LibvirtError
   * @see virDomainBlockPull
   */
  pull(vm: VmInput, options: BlockPullOptions): BlockJobTask<BlockJobResult> {
    return this.#perform(vm, 'blockPull', options);
  }

  /**
   * Follow the job running on `disk` to its end — one this process lost
   * track of, or one another process started — pivoting a READY copy or
   * active commit unless `pivot: false`. A copy's ownership record is not
   * changed (the SDK cannot tell whose the destination is). Runs in the
   * VM's turn: in the process that started the job, it waits for that job.
   *
   * Default `timeout`: the job type's (3 600 000 ms).
   * @example const job = await jobs.find('web1', 'vdb'); if (job) await jobs.wait('web1', 'vdb');
   * @throws InvalidStateError when the disk has no job · BlockJobError · AbortError / TimeoutError (the job was cancelled) · LibvirtError
   * @see virDomainGetBlockJobInfo
   */
  wait(vm: VmInput, disk: string, options: BlockJobWaitOptions = {}): BlockJobTask<BlockJobResult> {
    const feed = new ProgressFeed<BlockJobProgress>(options?.onProgress);
    const follow = async (): Promise<BlockJobResult> => {
      checkWaitOptions(disk, options);
      checkCallOptions(options, DEFAULT_TIMEOUTS.blockCopy);
      // The turn is the job's own operation (blockCopy, blockCommit, blockPull): the registry shows what runs.
      const found = await this.find(vm, disk, { ...(options.signal === undefined ? {} : { signal: options.signal }), timeout: 30_000 });
      const operation = OPERATION_OF_JOB[found?.job ?? ''] ?? 'blockCopy';
      const timeout = checkCallOptions(options, DEFAULT_TIMEOUTS[operation]);
      return inTurn(this.#ctx, operation, vm, timeout, options.signal, (run) => followExisting(run, disk, options, feed));
    };
    return this.#task(follow(), feed);
  }

  /**
   * The block job on `disk`, or `null` when it has none (`virsh blockjob --info`).
   * Does not wait for the VM's turn.
   * @example const job = await jobs.find('web1', 'vdb'); // { type…, cur, end, bandwidth } | null
   * @throws InvalidArgumentError for a bad disk target · LibvirtError
   * @see virDomainGetBlockJobInfo
   */
  async find(vm: VmInput, disk: string, options: CallOptions = {}): Promise<FoundBlockJob | null> {
    checkVmInput(vm);
    checkName(disk, 'disk');
    const budget = new Budget(checkOnlyCallOptions(options, 30_000), options.signal);
    const domain = await resolveVm(this.#ctx.connection, vm, budget.call());
    const info = await this.#ctx.connection.domains.blockJobs.info(domain, disk, budget.call());
    return info === null ? null : { domain, disk, job: info.type, cur: info.cur, end: info.end, bandwidth: info.bandwidth };
  }

  /**
   * Every block job of a running VM, one per disk that has one. Does not wait for the VM's turn.
   * @example for (const job of await jobs.list('web1')) console.log(job.disk, job.job, job.cur / job.end);
   * @throws LibvirtError
   * @see virDomainGetBlockJobInfo
   */
  async list(vm: VmInput, options: CallOptions = {}): Promise<FoundBlockJob[]> {
    checkVmInput(vm);
    const budget = new Budget(checkOnlyCallOptions(options, 30_000), options.signal);
    const domain = await resolveVm(this.#ctx.connection, vm, budget.call());
    const view = { ctx: this.#ctx, ref: domain };
    const found: FoundBlockJob[] = [];
    for (const disk of await liveDiskTargets(view, budget.call())) {
      const info = await this.#ctx.connection.domains.blockJobs.info(domain, disk, budget.call());
      if (info !== null) found.push({ domain, disk, job: info.type, cur: info.cur, end: info.end, bandwidth: info.bandwidth });
    }
    return found;
  }
}
