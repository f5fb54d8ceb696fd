/**
 * `libvirt-manager/disk-state`: a VM's disks over time — snapshots
 * (internal and external), block jobs (copy, commit, pull) with progress,
 * and backups. See docs/disk-state.md.
 *
 * @module disk-state
 */
export type { DiskStateManagerOptions } from './context.js';
export { type DiskStateOperation, DISK_STATE_OPERATIONS } from '../runtime/index.js';
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
