/**
 * What a migration is asked to do, checked before anything is sent, and its
 * translation into libvirt's flags and typed parameters.
 *
 * @module
 */
import {
  type CallOptions,
  ErrorCode,
  InvalidArgumentError,
  type KnownKeys,
  LibvirtConnection,
  type TypedParam,
  checkKeys,
} from '../connection/internal.js';
import { DEFAULT_TIMEOUTS, type ProgressCallback, checkCallOptions } from '../runtime/index.js';

/** `virDomainMigrateFlags` the SDK sets. */
export const MigrateFlag = {
  LIVE: 1,
  PEER2PEER: 2,
  PERSIST_DEST: 8,
  UNDEFINE_SOURCE: 16,
  PAUSED: 32,
  NON_SHARED_DISK: 64,
  NON_SHARED_INC: 128,
  CHANGE_PROTECTION: 256,
  OFFLINE: 1024,
  COMPRESSED: 2048,
  ABORT_ON_ERROR: 4096,
  AUTO_CONVERGE: 8192,
  POSTCOPY: 32768,
} as const;

/** A migration's progress, from the source's job statistics (bytes, ms). */
export interface MigrationProgress {
  /** Bytes to send in all (memory and copied disks), as QEMU counts it now (it grows as the guest dirties memory). */
  dataTotal: number;
  dataProcessed: number;
  dataRemaining: number;
  memoryProcessed: number;
  memoryRemaining: number;
  /** Pages per second the guest dirties. */
  memoryDirtyRate: number;
  /** The pass over guest memory (2 and up re-send dirtied pages). */
  memoryIteration: number;
  diskProcessed: number;
  diskTotal: number;
  /** Expected downtime at switchover (ms). */
  downtime: number | undefined;
  elapsedMs: number;
}

/** How the destination is reached. */
export type MigrationMode = 'p2p' | 'managed';

/** Which storage moves. */
export type MigrationStorage = 'shared' | 'copy-all' | 'copy-incremental';

/** Options of `MigrationManager.migrate`. */
export interface MigrateOptions extends CallOptions {
  /**
   * The destination: an open connection to its daemon (needed for `managed`,
   * for copied storage and to confirm the result there), or — p2p with shared
   * storage only — its URI, which the source daemon dials (the SDK opens no
   * connection of its own; the destination end is then unverified).
   */
  to: LibvirtConnection | string;
  /**
   * The URI the *source daemon* uses to reach the destination in `p2p` mode
   * (it connects itself, with its own credentials). @default the destination connection's URI
   */
  peerUri?: string;
  /** `p2p`: the source daemon drives the migration; `managed`: this client drives both daemons. @default 'p2p' */
  mode?: MigrationMode;
  /**
   * `shared`: disks stay where both hosts see them; `copy-all`/`copy-incremental`: copied (whole disks / top layer) —
   * over NBD for a running VM, streamed by the SDK volume by volume for a shut-off one (offline `copy-all` refuses a
   * disk with a backing image; `copy-incremental` needs that image on the destination). @default 'shared'
   */
  storage?: MigrationStorage;
  /**
   * What the caller expects to move (virsh `--live` / `--offline`): `true` — a
   * running or paused VM, live; `false` — a shut-off VM's definition. A VM in
   * the other condition is refused (InvalidStateError) before anything is
   * sent. @default by the VM's state
   */
  live?: boolean;
  /**
   * Destination pool for the copied disks' volumes. Live, its directory must be the disk's; offline, a pool elsewhere
   * moves the disk there and the definition names the new path. @default the destination pool whose target is the disk's directory
   */
  pool?: string;
  /** Bandwidth cap in MiB/s. */
  bandwidth?: number;
  /** Tolerable downtime at switchover (ms). */
  maxDowntime?: number;
  /** Throttle the guest's vCPUs when memory is dirtied faster than it is sent. @default false */
  autoConverge?: boolean;
  /** Allow a switch to post-copy (`handle.switchToPostCopy()`). @default false */
  postCopy?: boolean;
  /** Compression methods, e.g. `['xbzrle']` or `['mt']`. */
  compression?: readonly ('xbzrle' | 'mt')[];
  /** Define the VM on the destination. @default true when it is persistent on the source */
  persistent?: boolean;
  /** Undefine it on the source afterwards. @default true */
  undefineSource?: boolean;
  onProgress?: ProgressCallback<MigrationProgress>;
  /** How often to read the job statistics (ms, at least 50). @default 500 */
  pollInterval?: number;
}

/** Options after the checks, defaults filled in. */
export interface CheckedMigrateOptions {
  to: LibvirtConnection | string;
  peerUri: string | undefined;
  mode: MigrationMode;
  storage: MigrationStorage;
  pool: string | undefined;
  live: boolean | undefined;
  bandwidth: number | undefined;
  maxDowntime: number | undefined;
  autoConverge: boolean;
  postCopy: boolean;
  compression: readonly string[];
  persistent: boolean | undefined;
  undefineSource: boolean;
  pollInterval: number;
  timeout: number;
}

/** The options `migrate` takes, tied to {@link MigrateOptions} (a new option not listed here fails tsc). */
const MIGRATE_KEYS = {
  signal: true,
  timeout: true,
  to: true,
  peerUri: true,
  mode: true,
  storage: true,
  live: true,
  pool: true,
  bandwidth: true,
  maxDowntime: true,
  autoConverge: true,
  postCopy: true,
  compression: true,
  persistent: true,
  undefineSource: true,
  onProgress: true,
  pollInterval: true,
} as const satisfies KnownKeys<MigrateOptions>;

function fail(path: string, message: string): never {
  throw new InvalidArgumentError(`${path} ${message}`, { path });
}

function positive(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) fail(path, 'must be a positive integer');
  return value;
}

function bool(value: unknown, path: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') fail(path, 'must be a boolean');
  return value;
}

/**
 * Check the options before anything is sent.
 * @throws InvalidArgumentError naming the bad option, or one `migrate` does not take (`unknown option 'maxDowntme'`)
 */
export function checkMigrateOptions(options: unknown): CheckedMigrateOptions {
  if (typeof options !== 'object' || options === null) fail('options', 'must be an object with `to`');
  const o = options as MigrateOptions;
  const timeout = checkCallOptions(o, DEFAULT_TIMEOUTS.migrate);
  checkKeys(o, MIGRATE_KEYS, '', { code: ErrorCode.INVALID_ARGUMENT, kind: 'option' });
  if (!(o.to instanceof LibvirtConnection) && (typeof o.to !== 'string' || o.to.length === 0))
    fail('to', 'must be a LibvirtConnection or a URI');
  if (typeof o.to === 'string' && (o.mode === 'managed' || (o.storage !== undefined && o.storage !== 'shared')))
    fail('to', 'must be an open LibvirtConnection for managed mode or copied storage (the SDK talks to the destination then)');
  if (o.peerUri !== undefined && (typeof o.peerUri !== 'string' || o.peerUri.length === 0)) fail('peerUri', 'must be a URI');
  const mode = o.mode ?? 'p2p';
  if (mode !== 'p2p' && mode !== 'managed') fail('mode', "must be 'p2p' or 'managed'");
  const storage = o.storage ?? 'shared';
  if (storage !== 'shared' && storage !== 'copy-all' && storage !== 'copy-incremental')
    fail('storage', "must be 'shared', 'copy-all' or 'copy-incremental'");
  if (o.pool !== undefined && (typeof o.pool !== 'string' || o.pool.length === 0)) fail('pool', 'must be a pool name');
  const compression = o.compression ?? [];
  if (!Array.isArray(compression) || compression.some((c) => c !== 'xbzrle' && c !== 'mt'))
    fail('compression', "must be a list of 'xbzrle' and 'mt'");
  const pollInterval = o.pollInterval ?? 500;
  if (!Number.isFinite(pollInterval) || pollInterval < 50) fail('pollInterval', 'must be a number of ms, at least 50');
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') fail('onProgress', 'must be a function');
  return {
    to: o.to,
    peerUri: o.peerUri,
    mode,
    storage,
    pool: o.pool,
    live: bool(o.live, 'live'),
    bandwidth: positive(o.bandwidth, 'bandwidth'),
    maxDowntime: positive(o.maxDowntime, 'maxDowntime'),
    autoConverge: bool(o.autoConverge, 'autoConverge') ?? false,
    postCopy: bool(o.postCopy, 'postCopy') ?? false,
    compression,
    persistent: bool(o.persistent, 'persistent'),
    undefineSource: bool(o.undefineSource, 'undefineSource') ?? true,
    pollInterval,
    timeout,
  };
}

/** The flags of one migration, given how the VM was found. */
export function migrateFlags(o: CheckedMigrateOptions, vm: { active: boolean; persistent: boolean }): number {
  let flags = 0;
  if (vm.active) flags |= MigrateFlag.LIVE;
  else flags |= MigrateFlag.OFFLINE | MigrateFlag.PERSIST_DEST;
  if (o.mode === 'p2p') flags |= MigrateFlag.PEER2PEER;
  if (o.persistent ?? vm.persistent) flags |= MigrateFlag.PERSIST_DEST;
  if (o.undefineSource && vm.persistent) flags |= MigrateFlag.UNDEFINE_SOURCE;
  // libvirt refuses NON_SHARED_* with OFFLINE: a shut-off VM's disks are copied by the SDK before (offline-copy.ts).
  if (vm.active && o.storage === 'copy-all') flags |= MigrateFlag.NON_SHARED_DISK;
  if (vm.active && o.storage === 'copy-incremental') flags |= MigrateFlag.NON_SHARED_INC;
  if (vm.active && o.autoConverge) flags |= MigrateFlag.AUTO_CONVERGE;
  if (vm.active && o.postCopy) flags |= MigrateFlag.POSTCOPY;
  if (vm.active && o.compression.length > 0) flags |= MigrateFlag.COMPRESSED;
  return flags;
}

/** The typed parameters of one migration (`VIR_MIGRATE_PARAM_*`). */
export function migrateParams(o: CheckedMigrateOptions, copiedTargets: readonly string[]): TypedParam[] {
  const params: TypedParam[] = [];
  if (o.bandwidth !== undefined) params.push({ field: 'bandwidth', type: 'ullong', value: BigInt(o.bandwidth) });
  for (const method of o.compression) params.push({ field: 'compression', type: 'string', value: method });
  // Name the disks to copy: without the list libvirt copies every writable disk it finds, media included.
  for (const target of copiedTargets) params.push({ field: 'migrate_disks', type: 'string', value: target });
  return params;
}
