/**
 * `BlockJobManager`: block copy, commit and pull of a running VM's disks,
 * with progress, confirmed by libvirt's events (polling as the fallback),
 * each in the VM's turn so power operations queue behind it.
 *
 * @module
 */
import { type CallOptions, InvalidArgumentError, type LibvirtConnection, checkName } from '../../connection/internal.js';
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
import { type DiskStateContext, type DiskStateManagerOptions, type DiskStateRun, createDiskStateContext, inTurn } from '../context.js';
import { commitDisk, followExisting, pullDisk } from './chain-jobs.js';
import { copyDisk } from './copy.js';
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
  checkCommitOptions,
  checkCopyOptions,
  checkJobOptions,
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

  #task<R>(
    operation: DiskStateOperation | (() => Promise<DiskStateOperation>),
    vm: VmInput,
    options: CallOptions & { onProgress?: ((p: BlockJobProgress) => void) | undefined },
    check: () => void,
    body: (run: DiskStateRun, feed: ProgressFeed<BlockJobProgress>) => Promise<R>,
  ): BlockJobTask<R> {
    const feed = new ProgressFeed<BlockJobProgress>(options?.onProgress);
    let promise: Promise<R>;
    try {
      check();
      checkVmInput(vm);
      const start = (op: DiskStateOperation): Promise<R> => {
        const timeout = checkCallOptions(options, DEFAULT_TIMEOUTS[op]);
        return inTurn(this.#ctx, op, vm, timeout, options.signal, (run) => body(run, feed));
      };
      if (typeof operation === 'string') {
        checkCallOptions(options, DEFAULT_TIMEOUTS[operation]);
        promise = start(operation);
      } else {
        checkCallOptions(options, DEFAULT_TIMEOUTS.blockCopy);
        promise = operation().then(start);
      }
    } catch (error) {
      promise = Promise.reject(error);
    }
    const settled = promise.then(
      (result) => {
        feed.end();
        return result;
      },
      (error: unknown) => {
        feed.end(error);
        throw error;
      },
    );
    return Object.assign(settled, { progress: feed as AsyncIterable<BlockJobProgress> });
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
    return this.#task(
      'blockCopy',
      vm,
      options,
      () => checkCopyOptions(options),
      (run, feed) => copyDisk(run, options, feed),
    );
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
    return this.#task(
      'blockCommit',
      vm,
      options,
      () => checkCommitOptions(options),
      (run, feed) => commitDisk(run, options, feed),
    );
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
    return this.#task(
      'blockPull',
      vm,
      options,
      () => checkJobOptions(options),
      (run, feed) => pullDisk(run, options, feed),
    );
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
    // The turn is the job's own operation (blockCopy, blockCommit, blockPull): the registry shows what runs.
    const operation = async (): Promise<DiskStateOperation> => {
      const found = await this.find(vm, disk, { ...(options.signal === undefined ? {} : { signal: options.signal }), timeout: 30_000 });
      return OPERATION_OF_JOB[found?.job ?? ''] ?? 'blockCopy';
    };
    return this.#task(
      operation,
      vm,
      options,
      () => checkWaitOptions(disk, options),
      (run, feed) => followExisting(run, disk, options, feed),
    );
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
    const budget = Budget.of(options, 30_000);
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
    const budget = Budget.of(options, 30_000);
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
