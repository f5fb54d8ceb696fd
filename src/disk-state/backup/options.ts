/**
 * Options and results of `BackupManager`, and the checks each method runs
 * before anything is sent.
 *
 * @module
 */
import {
  CALL_OPTION_KEYS,
  type CallOptions,
  type DomainJobStats,
  type DomainRef,
  ErrorCode,
  InvalidArgumentError,
  checkKeys,
  type KnownKeys,
} from '../../connection/internal.js';
import { DEFAULT_TIMEOUTS, checkCallOptions } from '../../runtime/index.js';

/** A backup's progress, from the domain job's statistics (bytes; `total` is what the job will copy). */
export interface BackupProgress {
  processed: number;
  total: number;
  /** ms since the job started. */
  elapsedMs: number;
}

/** Options of `BackupManager.backup`. */
export interface BackupOptions extends CallOptions {
  /** The storage pool the SDK creates the backup volumes in (one per disk). */
  pool: string;
  /** The disks to back up, by target (`['vda']`). @default every disk of the running VM (cdroms and floppies aside) */
  disks?: readonly string[];
  /**
   * Copy only what changed since this checkpoint (an incremental backup; qcow2 disks, qcow2 targets). The
   * volume then holds only the changed clusters: unallocated elsewhere, and without a backing file —
   * rebase it onto the previous backup (`qemu-img rebase -u -b prev.qcow2 -F qcow2 this.qcow2`) to restore.
   */
  incremental?: string;
  /** Create this checkpoint at the instant the backup starts, for the next incremental one. */
  checkpoint?: string;
  /** Format of the backup volumes. `'raw'` cannot hold an incremental backup. @default 'qcow2' */
  format?: 'qcow2' | 'raw';
  /** Called with each progress report (read every `pollInterval` ms while the job runs). */
  onProgress?: (progress: BackupProgress) => void;
}

/** A volume holding one disk's backup: the caller's, not the VM's (no VM teardown deletes it). */
export interface BackupVolume {
  /** The disk it copies (`vda`). */
  disk: string;
  pool: string;
  name: string;
  path: string;
  format: 'qcow2' | 'raw';
  /** Its virtual size: the disk's capacity, in bytes. */
  size: number;
}

/** Result of `BackupManager.backup`. */
export interface BackupResult {
  domain: DomainRef;
  /** `'full'`, or `'incremental'` since `since`. */
  kind: 'full' | 'incremental';
  since: string | undefined;
  /** The checkpoint created at the backup's start, if one was asked for. */
  checkpoint: string | undefined;
  volumes: BackupVolume[];
  /** The job's final statistics (from JOB_COMPLETED, or the completed job's stats when events were unavailable). */
  stats: DomainJobStats;
  /** How the end was confirmed. */
  confirmedBy: 'event' | 'poll';
  elapsedMs: number;
}

/** A backup under way: its progress as an async iterator, and its result. */
export interface BackupHandle {
  /** Progress reports (newest only when the reader falls behind); ends when the backup ends, throwing its error. */
  progress: AsyncIterable<BackupProgress>;
  /** The backup's result; rejects as `backup` does. */
  result: Promise<BackupResult>;
}

/** A checkpoint of a VM, as `listCheckpoints` returns it. */
export interface CheckpointInfo {
  name: string;
  /** The checkpoint it follows, if any. */
  parent: string | undefined;
  /** Creation time (from libvirt's `creationTime`, seconds). */
  createdAt: Date | undefined;
  /** The disks it tracks (by target) and their bitmaps. */
  disks: { name: string; bitmap: string | undefined }[];
}

/** Options of `BackupManager.deleteCheckpoint`. */
export interface DeleteCheckpointOptions extends CallOptions {
  /** Delete its descendants too. @default false */
  children?: boolean;
}

const CALL = CALL_OPTION_KEYS;
const BACKUP_KEYS = {
  ...CALL,
  pool: true,
  disks: true,
  incremental: true,
  checkpoint: true,
  format: true,
  onProgress: true,
} as const satisfies KnownKeys<BackupOptions>;
const DELETE_CHECKPOINT_KEYS = { ...CALL, children: true } as const satisfies KnownKeys<DeleteCheckpointOptions>;

const NAME = /^[^/\0\s][^/\0]*$/;

function checkName(value: unknown, path: string): void {
  if (typeof value !== 'string' || !NAME.test(value) || value.length > 200)
    throw new InvalidArgumentError(`${path} must be a checkpoint name (non-empty, no "/", at most 200 characters)`, { path });
}

/**
 * Check `BackupManager.backup`'s options before anything is sent.
 * @returns the operation's timeout
 * @throws InvalidArgumentError naming the bad option
 */
export function checkBackupOptions(options: BackupOptions): number {
  const timeout = checkCallOptions(options, DEFAULT_TIMEOUTS.backup);
  checkKeys(options, BACKUP_KEYS, '', { code: ErrorCode.INVALID_ARGUMENT, kind: 'option' });
  if (typeof options.pool !== 'string' || options.pool === '')
    throw new InvalidArgumentError('pool must name the storage pool for the backup volumes', { path: 'pool' });
  if (options.disks !== undefined) {
    if (!Array.isArray(options.disks) || options.disks.length === 0)
      throw new InvalidArgumentError('disks must be a non-empty array of disk targets', { path: 'disks' });
    for (const [i, d] of options.disks.entries())
      if (typeof d !== 'string' || !/^[a-z][a-z0-9]*$/.test(d))
        throw new InvalidArgumentError(`disks[${i}] must be a disk target such as "vda"`, { path: `disks[${i}]` });
    if (new Set(options.disks).size !== options.disks.length)
      throw new InvalidArgumentError('disks lists a target twice', { path: 'disks' });
  }
  if (options.format !== undefined && options.format !== 'qcow2' && options.format !== 'raw')
    throw new InvalidArgumentError("format must be 'qcow2' or 'raw'", { path: 'format' });
  if (options.incremental !== undefined) {
    checkName(options.incremental, 'incremental');
    if (options.format === 'raw')
      throw new InvalidArgumentError('an incremental backup needs qcow2 volumes: a raw one cannot tell unchanged clusters from zeros', {
        path: 'format',
      });
  }
  if (options.checkpoint !== undefined) checkName(options.checkpoint, 'checkpoint');
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function')
    throw new InvalidArgumentError('onProgress must be a function', { path: 'onProgress' });
  return timeout;
}

/**
 * Check `deleteCheckpoint`'s name and options before anything is sent.
 * @returns the timeout to use
 * @example const timeout = checkDeleteCheckpoint('b1', { children: true }, 60_000);
 * @throws InvalidArgumentError (`path`; `unknown option 'childern' (did you mean 'children'?)`)
 */
export function checkDeleteCheckpoint(name: unknown, options: DeleteCheckpointOptions, defaultTimeout: number): number {
  const timeout = checkCallOptions(options, defaultTimeout);
  checkKeys(options, DELETE_CHECKPOINT_KEYS, '', { code: ErrorCode.INVALID_ARGUMENT, kind: 'option' });
  checkName(name, 'name');
  return timeout;
}
