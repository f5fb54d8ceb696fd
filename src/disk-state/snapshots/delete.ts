import { UnsupportedError } from '../../connection/internal.js';
import type { DiskStateRun } from '../context.js';
import type { DeleteSnapshotOptions, DeleteSnapshotResult } from './options.js';

/** Delete a snapshot. */
export function deleteSnapshot(_run: DiskStateRun, _request: DeleteSnapshotOptions & { name: string }): Promise<DeleteSnapshotResult> {
  return Promise.reject(new UnsupportedError('deleteSnapshot: not yet'));
}
