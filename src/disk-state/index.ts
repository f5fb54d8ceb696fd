/**
 * `libvirt-manager/disk-state`: a VM's disks over time — snapshots
 * (internal and external), block jobs (copy, commit, pull) with progress,
 * and backups. See docs/disk-state.md.
 *
 * @example
 * import { LibvirtConnection } from 'libvirt-manager/connection';
 * import { SnapshotManager } from 'libvirt-manager/disk-state';
 * const conn = await LibvirtConnection.connect('qemu:///system');
 * const snapshots = new SnapshotManager(conn);
 * await snapshots.create('web1', { name: 'before-upgrade' });
 *
 * @module disk-state
 */
export type { DiskStateManagerOptions } from './context.js';
export { type DiskStateOperation, DISK_STATE_OPERATIONS } from '../runtime/index.js';
export { DiskStateManager } from './manager.js';
export type { DiskStateRequests, DiskStateResults, PendingDiskStateRequest } from './perform.js';
export { SnapshotManager } from './snapshots/manager.js';
export type {
  QuiesceMode,
  SnapshotDiskMode,
  SnapshotState,
  CreateSnapshotOptions,
  RevertSnapshotOptions,
  DeleteSnapshotOptions,
  SnapshotRequests,
  SnapshotResults,
  SnapshotFile,
  SnapshotInfo,
  CreateSnapshotResult,
  RevertSnapshotResult,
  DeleteSnapshotResult,
} from './snapshots/options.js';
export { BackupManager } from './backup/manager.js';
export type {
  BackupHandle,
  BackupOptions,
  BackupProgress,
  BackupResult,
  BackupVolume,
  CheckpointInfo,
  DeleteCheckpointOptions,
} from './backup/options.js';
