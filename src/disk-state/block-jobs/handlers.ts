/**
 * The block-job operations as the disk-state dispatcher runs them (the
 * manager's methods and the registry's commands): check, then run with the
 * request's `onProgress` as the job's progress feed.
 *
 * @module
 */
import { DEFAULT_TIMEOUTS, ProgressFeed, checkCallOptions } from '../../runtime/index.js';
import type { OperationHandler } from '../context.js';
import { commitDisk, pullDisk } from './chain-jobs.js';
import { copyDisk } from './copy.js';
import {
  type BlockCommitOptions,
  type BlockCopyOptions,
  type BlockCopyResult,
  type BlockJobProgress,
  type BlockJobResult,
  type BlockPullOptions,
  checkCommitOptions,
  checkCopyOptions,
  checkJobOptions,
} from './options.js';

/** The request of each block-job operation. */
export interface BlockJobRequests {
  blockCopy: BlockCopyOptions;
  blockCommit: BlockCommitOptions;
  blockPull: BlockPullOptions;
}

/** The result of each block-job operation. */
export interface BlockJobResults {
  blockCopy: BlockCopyResult;
  blockCommit: BlockJobResult;
  blockPull: BlockJobResult;
}

function feedOf(request: { onProgress?: ((p: BlockJobProgress) => void) | undefined }): ProgressFeed<BlockJobProgress> {
  return new ProgressFeed<BlockJobProgress>(request.onProgress);
}

/** `{ check, run }` of `blockCopy`, `blockCommit`, `blockPull`. */
export const BLOCK_JOB_HANDLERS: { readonly [O in keyof BlockJobRequests]: OperationHandler<BlockJobRequests[O], BlockJobResults[O]> } = {
  blockCopy: {
    check: (request) => {
      checkCopyOptions(request as BlockCopyOptions);
      return checkCallOptions(request, DEFAULT_TIMEOUTS.blockCopy);
    },
    run: (run, request) => copyDisk(run, request, feedOf(request)),
  },
  blockCommit: {
    check: (request) => {
      checkCommitOptions(request as BlockCommitOptions);
      return checkCallOptions(request, DEFAULT_TIMEOUTS.blockCommit);
    },
    run: (run, request) => commitDisk(run, request, feedOf(request)),
  },
  blockPull: {
    check: (request) => {
      checkJobOptions(request as BlockPullOptions);
      return checkCallOptions(request, DEFAULT_TIMEOUTS.blockPull);
    },
    run: (run, request) => pullDisk(run, request, feedOf(request)),
  },
};
