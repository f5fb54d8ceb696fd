/**
 * The backup as the disk-state dispatcher runs it (the registry's `backup`
 * command and `BackupManager` both come through it).
 *
 * @module
 */
import { InvalidArgumentError } from '../../connection/internal.js';
import { ProgressFeed } from '../../runtime/index.js';
import type { OperationHandler } from '../context.js';
import { runBackup } from './backup.js';
import { type BackupOptions, type BackupProgress, type BackupResult, checkBackupOptions } from './options.js';

/** The requests and results of the backup operations, as the dispatcher's type maps hold them. */
export interface BackupRequests {
  backup: BackupOptions;
}

/** @see BackupRequests */
export interface BackupResults {
  backup: BackupResult;
}

/** `{ check, run }` of `backup`. */
export const BACKUP_HANDLERS: { readonly [O in keyof BackupRequests]: OperationHandler<BackupRequests[O], BackupResults[O]> } = {
  backup: {
    check: (request) => {
      if (request === null || typeof request !== 'object')
        throw new InvalidArgumentError('options must be an object with a pool', { path: 'options' });
      return checkBackupOptions(request as BackupOptions);
    },
    run: (run, request) => runBackup(run, request, new ProgressFeed<BackupProgress>(request.onProgress)),
  },
};
