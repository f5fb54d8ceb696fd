/**
 * `libvirt-manager/disk-state`: a VM's disks over time — snapshots
 * (internal and external), block jobs (copy, commit, pull) with progress,
 * and backups. See docs/disk-state.md.
 *
 * @module disk-state
 */
export type { DiskStateManagerOptions } from './context.js';
export { type DiskStateOperation, DISK_STATE_OPERATIONS } from '../runtime/index.js';
export {
  BlockJobManager,
  type BlockCommitOptions,
  type BlockCopyDestination,
  type BlockCopyOptions,
  type BlockCopyResult,
  type BlockJobOptions,
  type BlockJobProgress,
  type BlockJobResult,
  type BlockJobTask,
  type BlockJobWaitOptions,
  type BlockPullOptions,
  type FoundBlockJob,
  type OldImageOutcome,
} from './block-jobs/index.js';
export type { BlockJobType, BlockJobStatus, DomainBlockJobEvent } from '../connection/index.js';
export { BlockJobError } from '../errors/public.js';
export type { ProgressCallback } from '../runtime/index.js';
