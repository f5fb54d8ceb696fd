import { InvalidArgumentError, type LibvirtConnection, checkOnlyCallOptions } from '../../connection/internal.js';
import { Budget, ProgressFeed, type VmInput, checkVmInput } from '../../runtime/index.js';
import type { CallOptions } from '../../connection/internal.js';
import { type DiskStateContext, type DiskStateManagerOptions, createDiskStateContext, inTurn } from '../context.js';
import { performDiskState } from '../perform.js';
import { deleteCheckpoint, listCheckpoints } from './checkpoints.js';
import {
  type BackupHandle,
  type BackupOptions,
  type BackupProgress,
  type BackupResult,
  type CheckpointInfo,
  type DeleteCheckpointOptions,
  checkDeleteCheckpoint,
} from './options.js';

/** Default `timeout` of `listCheckpoints` and `deleteCheckpoint` (ms). */
const CHECKPOINT_TIMEOUT = 60_000;

/**
 * Backups of running VMs (`virsh backup-begin`, push mode), full or
 * incremental through checkpoints, with progress, confirmed by libvirt:
 *
 * - **The SDK makes the target volumes** in the pool you name, one per disk,
 *   as big as the disk, and hands them to libvirt as they are
 *   (`REUSE_EXTERNAL`). They are yours: the result names them (pool, name,
 *   path, format, size); they are not recorded as the VM's, so no VM teardown
 *   deletes them.
 * - **Confirmed**: JOB_COMPLETED (subscribed before the start) ends the wait,
 *   with the job's statistics polled every `pollInterval` ms as progress and
 *   as the fallback when events do not come.
 * - **Nothing left behind**: a backup that fails, is aborted (`signal`: the SDK
 *   aborts the job and waits until libvirt has let go) or times out deletes
 *   the volumes it made and the checkpoint it asked for.
 * - **In the VM's turn**: it queues with power, device and other disk-state
 *   operations on the same VM, and is refused when the VM is not running or paused.
 * - **Checked first**: bad options, an unknown pool, disk or checkpoint, a
 *   checkpoint name in use, an incremental backup of a disk that is not qcow2
 *   are typed errors before anything is made.
 *
 * The backup is point-in-time: it holds the disks as they were when the job
 * started; the guest keeps running and writing meanwhile. See docs/disk-state.md.
 *
 * @example
 * const backups = new BackupManager(conn);
 * const full = await backups.backup('web1', { pool: 'backups', checkpoint: 'b1' }); // virsh backup-begin + checkpoint
 * const inc = await backups.backup('web1', { pool: 'backups', incremental: 'b1', checkpoint: 'b2' });
 * console.log(inc.volumes[0].path);
 */
export class BackupManager {
  readonly #ctx: DiskStateContext;

  /**
   * @param connection an open {@link LibvirtConnection} (shared; never closed here)
   * @throws InvalidArgumentError for a bad `pollInterval`
   */
  constructor(connection: LibvirtConnection, options: DiskStateManagerOptions = {}) {
    if (connection === null || typeof connection !== 'object')
      throw new InvalidArgumentError('connection must be a LibvirtConnection', { path: 'connection' });
    if (options.pollInterval !== undefined && (!Number.isFinite(options.pollInterval) || options.pollInterval < 50))
      throw new InvalidArgumentError('pollInterval must be a number of ms, at least 50', { path: 'pollInterval' });
    this.#ctx = createDiskStateContext(connection, options);
  }

  /**
   * Back up the running (or paused) VM's disks into new volumes of
   * `options.pool`: every disk, or those named in `disks`; all of each disk
   * (`'full'`), or with `incremental` only what changed since that
   * checkpoint. With `checkpoint`, a checkpoint is created at the same
   * instant, for the next incremental backup. Resolves when libvirt reports
   * the job completed.
   *
   * Default `timeout`: 3 600 000 ms.
   * @example const { volumes } = await backups.backup('web1', { pool: 'backups', onProgress: (p) => console.log(p.processed, p.total) });
   * @throws InvalidArgumentError for bad options, an unknown pool, disk or checkpoint; nothing was made
   * @throws InvalidStateError when the VM is not running or paused
   * @throws JobFailedError when the job failed or was cancelled from elsewhere · AbortError · TimeoutError · LibvirtError
   *   (each after the volumes were deleted again: `getRollbackReport(error)` says what was undone)
   * @see virDomainBackupBegin
   */
  backup(vm: VmInput, options: BackupOptions): Promise<BackupResult> {
    return this.start(vm, options).result;
  }

  /**
   * {@link BackupManager.backup}, with its progress also as an async iterator.
   *
   * @example
   * const { progress, result } = backups.start('web1', { pool: 'backups' });
   * for await (const p of progress) console.log(`${p.processed}/${p.total}`);
   * const { volumes } = await result;
   * @throws as {@link BackupManager.backup} (through `result`, and at the end of `progress`)
   * @see virDomainBackupBegin
   */
  start(vm: VmInput, options: BackupOptions): BackupHandle {
    const feed = new ProgressFeed<BackupProgress>(typeof options?.onProgress === 'function' ? options.onProgress : undefined);
    // Through the one dispatcher (what the registry's `backup` command runs); its reports reach this feed.
    const request: BackupOptions = { ...options, onProgress: (p) => feed.push(p) };
    const result = feed.endWith(performDiskState(this.#ctx, vm, 'backup', request));
    // A caller who only reads `progress` sees the failure there; `result` must not also count as unhandled.
    result.catch(() => undefined);
    return { progress: feed, result };
  }

  /**
   * The VM's checkpoints (`virsh checkpoint-list --topological`), parents first.
   *
   * Default `timeout`: 60 000 ms.
   * @example const names = (await backups.listCheckpoints('web1')).map((c) => c.name);
   * @throws DomainNotFoundError · LibvirtError
   * @see virDomainListAllCheckpoints
   */
  async listCheckpoints(vm: VmInput, options: CallOptions = {}): Promise<CheckpointInfo[]> {
    const timeout = checkOnlyCallOptions(options, CHECKPOINT_TIMEOUT);
    checkVmInput(vm);
    // A read: it takes no turn, so it never waits behind a long backup.
    return listCheckpoints(this.#ctx, vm, new Budget(timeout, options.signal));
  }

  /**
   * Delete the checkpoint `name` (`virsh checkpoint-delete`): its bitmaps are
   * merged into its parent's, so later incremental backups from older
   * checkpoints stay correct. In the VM's turn (never during its backup).
   *
   * Default `timeout`: 60 000 ms.
   * @example await backups.deleteCheckpoint('web1', 'b1');
   * @throws InvalidArgumentError for a bad name or one the VM does not have · LibvirtError
   * @see virDomainCheckpointDelete
   */
  async deleteCheckpoint(vm: VmInput, name: string, options: DeleteCheckpointOptions = {}): Promise<void> {
    const timeout = checkDeleteCheckpoint(name, options, CHECKPOINT_TIMEOUT);
    checkVmInput(vm);
    await inTurn(this.#ctx, 'backup', vm, timeout, options.signal, (run) => deleteCheckpoint(run, name, options.children === true));
  }
}
