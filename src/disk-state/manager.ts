import { InvalidArgumentError, type LibvirtConnection } from '../connection/internal.js';
import type { DiskStateOperation, VmInput } from '../runtime/index.js';
import { type DiskStateContext, type DiskStateManagerOptions, createDiskStateContext } from './context.js';
import { type DiskStateRequests, type DiskStateResults, performDiskState } from './perform.js';
import { BackupManager } from './backup/manager.js';
import { SnapshotManager } from './snapshots/manager.js';

/**
 * A VM's disks over time, in one object: {@link DiskStateManager.snapshots}
 * (and, as they land, block jobs and backups) and the one dispatcher every
 * disk-state operation goes through ({@link DiskStateManager.perform}) —
 * what the state registry's disk-state commands run.
 *
 * @example
 * const diskState = new DiskStateManager(conn);
 * await diskState.snapshots.create('web1', { name: 'before-upgrade' });
 * await diskState.perform('web1', 'deleteSnapshot', { name: 'before-upgrade' });
 */
export class DiskStateManager {
  readonly #ctx: DiskStateContext;
  /** Snapshots: create, list, revert, delete. */
  readonly snapshots: SnapshotManager;
  /** Backups (full, incremental through checkpoints) and checkpoints. */
  readonly backups: BackupManager;

  /**
   * @param connection an open {@link LibvirtConnection} (shared; never closed here)
   * @throws InvalidArgumentError for a bad `pollInterval`
   */
  constructor(connection: LibvirtConnection, options: DiskStateManagerOptions = {}) {
    if (connection === null || typeof connection !== 'object')
      throw new InvalidArgumentError('connection must be a LibvirtConnection', { path: 'connection' });
    this.#ctx = createDiskStateContext(connection, options);
    this.snapshots = new SnapshotManager(connection, options);
    this.backups = new BackupManager(connection, options);
  }

  /**
   * Run one disk-state operation from its request (arguments and options in
   * one object), in the VM's turn.
   *
   * @example await diskState.perform('web1', 'createSnapshot', { name: 's1', disks: 'external', timeout: 120_000 });
   * @throws as the method of the same name (InvalidArgumentError for an unknown operation)
   */
  perform<O extends DiskStateOperation>(vm: VmInput, operation: O, request: DiskStateRequests[O]): Promise<DiskStateResults[O]> {
    return performDiskState(this.#ctx, vm, operation, request);
  }
}
