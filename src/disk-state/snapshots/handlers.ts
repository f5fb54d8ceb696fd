/**
 * The snapshot operations as the disk-state dispatcher runs them.
 *
 * @module
 */
import type { OperationHandler } from '../context.js';
import { createSnapshot } from './create.js';
import { deleteSnapshot } from './delete.js';
import { type SnapshotRequests, type SnapshotResults, checkSnapshotRequest } from './options.js';
import { revertSnapshot } from './revert.js';

/** `{ check, run }` of `createSnapshot`, `revertSnapshot`, `deleteSnapshot`. */
export const SNAPSHOT_HANDLERS: { readonly [O in keyof SnapshotRequests]: OperationHandler<SnapshotRequests[O], SnapshotResults[O]> } = {
  createSnapshot: { check: (request) => checkSnapshotRequest('createSnapshot', request), run: createSnapshot },
  revertSnapshot: { check: (request) => checkSnapshotRequest('revertSnapshot', request), run: revertSnapshot },
  deleteSnapshot: { check: (request) => checkSnapshotRequest('deleteSnapshot', request), run: deleteSnapshot },
};
