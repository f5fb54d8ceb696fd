import { UnsupportedError } from '../../connection/internal.js';
import type { DiskStateRun } from '../context.js';
import type { RevertSnapshotOptions, RevertSnapshotResult } from './options.js';

/** Revert to a snapshot. */
export function revertSnapshot(_run: DiskStateRun, _request: RevertSnapshotOptions & { name: string }): Promise<RevertSnapshotResult> {
  return Promise.reject(new UnsupportedError('revertSnapshot: not yet'));
}
