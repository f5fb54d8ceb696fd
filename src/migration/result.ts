import type { CallOptions, DomainJobStats, DomainRef } from '../connection/internal.js';
import type { VolumeRecord } from '../destroyer/internal.js';
import type { MigrationProgress } from './options.js';
import type { CopiedDisk } from './storage.js';

/** What a finished migration did. */
export interface MigrationResult {
  /** The VM on the destination. */
  domain: DomainRef;
  destinationUri: string;
  mode: 'p2p' | 'managed';
  /** `true` for a running (or paused) VM, `false` for an offline migration of its definition. */
  live: boolean;
  /** The disks copied, each into a volume the SDK made on the destination (recorded there as the VM's). */
  copiedDisks: CopiedDisk[];
  /** The source's copies deleted (the SDK made them, and no other domain uses them). */
  sourceVolumesDeleted: VolumeRecord[];
  /** The source's copies kept, with why (not the SDK's, in use by another domain…). */
  sourceVolumesKept: { volume: VolumeRecord; reason: string; detail?: string }[];
  /**
   * What showed each end done: its lifecycle event (`stopped/migrated`, `resumed/migrated`) or, when none came, its
   * state; `'unverified'` for a destination given as a URI only (the SDK holds no connection to it).
   */
  confirmedBy: { source: 'event' | 'state'; destination: 'event' | 'state' | 'unverified' };
  /** Whether the migration switched to post-copy (SUSPENDED/POSTCOPY on the source or RESUMED/POSTCOPY on the destination seen). */
  postCopied: boolean;
  /** The destination's statistics of the completed job (downtime, bytes…), when it kept them. */
  stats: DomainJobStats | undefined;
  durationMs: number;
}

/** A running migration: its progress, its result, and the switch to post-copy. */
export interface MigrationHandle {
  /** Progress reports (newest only when the reader falls behind); ends with the migration, throwing its error. */
  progress: AsyncIterable<MigrationProgress>;
  result: Promise<MigrationResult>;
  /**
   * Switch to post-copy (`virsh migrate-postcopy`): the guest runs on the
   * destination from now on and fetches the rest of its memory from the
   * source; the migration can no longer be cancelled. Needs `postCopy: true`.
   * @throws InvalidArgumentError without `postCopy` · InvalidStateError before the job started · LibvirtError
   * @see virDomainMigrateStartPostCopy
   */
  switchToPostCopy(options?: CallOptions): Promise<void>;
}
