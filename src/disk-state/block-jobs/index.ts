/**
 * Block jobs: copy, commit and pull a running VM's disks with progress.
 *
 * @module
 */
export { BlockJobManager } from './manager.js';
export type {
  BlockCommitOptions,
  BlockCopyDestination,
  BlockCopyOptions,
  BlockCopyResult,
  BlockJobOptions,
  BlockJobProgress,
  BlockJobResult,
  BlockJobTask,
  BlockJobWaitOptions,
  BlockPullOptions,
  FoundBlockJob,
  OldImageOutcome,
} from './options.js';
