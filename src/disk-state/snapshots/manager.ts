import { type CallOptions, InvalidArgumentError, type LibvirtConnection, checkOnlyCallOptions } from '../../connection/internal.js';
import { Budget, DEFAULT_TIMEOUTS, type VmInput, checkVmInput } from '../../runtime/index.js';
import { type DiskStateContext, type DiskStateManagerOptions, createDiskStateContext } from '../context.js';
import { performDiskState } from '../perform.js';
import { listSnapshots } from './list.js';
import type {
  CreateSnapshotOptions,
  CreateSnapshotResult,
  DeleteSnapshotOptions,
  DeleteSnapshotResult,
  RevertSnapshotOptions,
  RevertSnapshotResult,
  SnapshotInfo,
} from './options.js';

/**
 * A VM's snapshots — internal (inside its qcow2 disks) and external (new
 * overlay files, optionally with the memory state in a file):
 *
 * - **Decided from the VM** where the caller does not say: internal when
 *   every disk is qcow2 and there is no UEFI (pflash) firmware, external
 *   otherwise; memory with a running VM; filesystems quiesced through the
 *   guest agent when it is connected and the snapshot allows it.
 * - **Owned files**: the overlays an external snapshot makes are volumes the
 *   SDK creates in the disk's pool, and they (and a memory file) are recorded
 *   in the VM's ownership record, so `destroyVm({ storage: 'owned' })`
 *   deletes them — and never a base it did not make.
 * - **In the VM's turn**: create, revert and delete queue with power, device
 *   and teardown operations on the same VM.
 * - **Checked first**: a bad name, a name in use, an unknown disk target, a
 *   mode the VM's disks cannot take, a quiesce that cannot happen are typed
 *   errors before anything is sent; what libvirt 9.0 cannot do (revert to an
 *   external snapshot) is an `UnsupportedError` naming the version.
 *
 * The connection is shared, never opened or closed here. See docs/disk-state.md.
 *
 * @example
 * const snapshots = new SnapshotManager(conn);
 * await snapshots.create('web1', { name: 'before-upgrade' });   // virsh snapshot-create-as web1 before-upgrade
 * const tree = await snapshots.list('web1');                     // virsh snapshot-list web1 --tree
 * await snapshots.revert('web1', 'before-upgrade');              // virsh snapshot-revert web1 before-upgrade
 * await snapshots.delete('web1', 'before-upgrade');              // virsh snapshot-delete web1 before-upgrade
 */
export class SnapshotManager {
  readonly #ctx: DiskStateContext;

  /**
   * @param connection an open {@link LibvirtConnection} (shared; never closed here)
   * @throws InvalidArgumentError for a bad `pollInterval`
   */
  constructor(connection: LibvirtConnection, options: DiskStateManagerOptions = {}) {
    if (connection === null || typeof connection !== 'object')
      throw new InvalidArgumentError('connection must be a LibvirtConnection', { path: 'connection' });
    this.#ctx = createDiskStateContext(connection, options);
  }

  /**
   * Take a snapshot (`virsh snapshot-create-as`). What is not given is
   * decided from the VM (see {@link CreateSnapshotOptions}). An external
   * snapshot's overlays are made by the SDK as volumes in each disk's pool
   * (a disk outside any pool gets its overlay next to its image) and owned
   * by the VM; a failure deletes what it made.
   *
   * Default `timeout`: 300 000 ms.
   * @example await snapshots.create('web1', { name: 'nightly', disks: 'external', quiesce: 'required' });
   * @throws InvalidArgumentError (`path`) for a bad or taken name, an unknown disk target, internal on a disk that is not qcow2, internal and external mixed, memory on a shut-off VM; nothing was sent
   * @throws InvalidStateError when `quiesce: 'required'` and the guest agent is not connected
   * @throws InvalidStateError when the VM's state forbids it · AbortError · TimeoutError · LibvirtError (what it made is deleted)
   * @see virDomainSnapshotCreateXML
   */
  create(vm: VmInput, options: CreateSnapshotOptions): Promise<CreateSnapshotResult> {
    return performDiskState(this.#ctx, vm, 'createSnapshot', options);
  }

  /**
   * The VM's snapshots as a forest: parents before their children (roots
   * first), each with its children's names, whether it is current, its
   * state, kind (internal/external), disks and creation time
   * (`virsh snapshot-list --tree`). Takes no turn: it only reads.
   *
   * Default `timeout`: 60 000 ms.
   * @example for (const s of await snapshots.list('web1')) console.log(s.name, s.parent ?? '(root)', s.kind, s.current ? '*' : '');
   * @throws DomainNotFoundError · AbortError · TimeoutError · LibvirtError
   * @see virDomainListAllSnapshots
   */
  async list(vm: VmInput, options: CallOptions = {}): Promise<SnapshotInfo[]> {
    const budget = new Budget(checkOnlyCallOptions(options, DEFAULT_TIMEOUTS.waitForState), options.signal);
    checkVmInput(vm);
    return listSnapshots(this.#ctx, vm, budget);
  }

  /**
   * Revert the VM to the snapshot `name` (`virsh snapshot-revert`): its disks
   * (and memory, when saved) as they were; the VM ends in the state the
   * snapshot recorded unless `running` or `paused` says otherwise.
   * libvirt 9.0 reverts internal snapshots only. The VM's ownership record
   * stays what it was before the revert (libvirt would put back the one saved
   * with the snapshot): volumes the SDK made since stay the VM's, and teardown
   * deletes them.
   *
   * Default `timeout`: 300 000 ms.
   * @example await snapshots.revert('web1', 'before-upgrade', { running: true });
   * @throws InvalidArgumentError for a bad name, an unknown snapshot, `running` with `paused`; nothing was sent
   * @throws UnsupportedError for an external snapshot on libvirt before 9.7.0 (it says so)
   * @throws LibvirtError `VIR_ERR_SNAPSHOT_REVERT_RISKY` unless `force` · InvalidStateError · AbortError · TimeoutError
   * @see virDomainRevertToSnapshot
   */
  revert(vm: VmInput, name: string, options: RevertSnapshotOptions = {}): Promise<RevertSnapshotResult> {
    return performDiskState(this.#ctx, vm, 'revertSnapshot', { ...options, name });
  }

  /**
   * Delete the snapshot `name` (`virsh snapshot-delete`). An internal one is
   * dropped from the qcow2 files; an external one is merged by libvirt (9.0
   * and later) into its backing image by a block commit — a domain job that
   * can take a while — and its overlay removed; an owned memory file is
   * deleted and the ownership record updated. With `children`, its
   * descendants go too.
   *
   * Default `timeout`: 3 600 000 ms.
   * @example await snapshots.delete('web1', 'nightly');
   * @throws InvalidArgumentError for a bad name or an unknown snapshot; nothing was sent
   * @throws UnsupportedError where libvirt cannot delete it (an external snapshot below an internal one, or one whose overlay is no longer in use after a revert)
   * @throws InvalidStateError · AbortError · TimeoutError · LibvirtError
   * @see virDomainSnapshotDelete
   */
  delete(vm: VmInput, name: string, options: DeleteSnapshotOptions = {}): Promise<DeleteSnapshotResult> {
    return performDiskState(this.#ctx, vm, 'deleteSnapshot', { ...options, name });
  }
}
