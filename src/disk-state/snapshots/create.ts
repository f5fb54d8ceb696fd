import { UnsupportedError } from '../../connection/internal.js';
import type { DiskStateRun } from '../context.js';
import type { CreateSnapshotOptions, CreateSnapshotResult } from './options.js';

/** Take a snapshot. */
export function createSnapshot(_run: DiskStateRun, _request: CreateSnapshotOptions): Promise<CreateSnapshotResult> {
  return Promise.reject(new UnsupportedError('createSnapshot: not yet'));
}
