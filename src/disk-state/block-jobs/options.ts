/**
 * What the block-job operations take and return, and the checks that turn
 * bad input into typed errors before anything is sent to libvirt.
 *
 * @module
 */
import {
  type BlockJobType,
  type CallOptions,
  type DomainRef,
  ErrorCode,
  InvalidArgumentError,
  checkKeys,
  checkName,
  type KnownKeys,
} from '../../connection/internal.js';
import type { ProgressCallback } from '../../runtime/index.js';

/** One progress report of a block job. */
export interface BlockJobProgress {
  /** The disk's target (`vda`). */
  disk: string;
  job: BlockJobType;
  /** Done so far, of `end` (QEMU's units, about bytes; `end` grows when the guest writes during the job). */
  cur: number;
  end: number;
  /** The job's bandwidth cap in bytes per second; 0 = none. */
  bandwidth: number;
}

/** What every block-job operation takes. */
export interface BlockJobOptions extends CallOptions {
  /** The disk, by target (`vda`). */
  disk: string;
  /** Cap in bytes per second (0 or absent: none). */
  bandwidth?: number;
  /** Called with each progress report (also available as the returned job's `progress` iterator). */
  onProgress?: ProgressCallback<BlockJobProgress>;
}

/** Where {@link BlockCopyOptions.to} puts the copy. */
export type BlockCopyDestination =
  /** A new volume the SDK makes in `pool` (and records as owned by the VM). */
  | {
      pool: string;
      /** @default `<vm>-<disk>-<random>.<format>` */
      name?: string;
      /** @default the disk's own format (qcow2 when it has none) */
      format?: 'qcow2' | 'raw';
    }
  /**
   * A file path the SDK neither makes nor deletes: libvirt creates the image
   * there, unless `existing` says it exists already (then it is reused as is).
   */
  | { path: string; format?: 'qcow2' | 'raw'; existing?: boolean };

/** Options of `BlockJobManager.copy`. */
export interface BlockCopyOptions extends BlockJobOptions {
  to: BlockCopyDestination;
  /** Switch the disk to the copy once it is in sync; `false` leaves the job mirroring at READY. @default true */
  pivot?: boolean;
  /** Copy only the top image; the copy keeps the same backing chain. @default false */
  shallow?: boolean;
}

/** Options of `BlockJobManager.commit`. */
export interface BlockCommitOptions extends BlockJobOptions {
  /** The image to commit into (`vda[2]` or a path). @default the deepest backing image */
  base?: string;
  /**
   * The image to commit from (`vda[1]` or a path). @default the active layer:
   * an active commit, which pivots to `base` once in sync
   */
  top?: string;
  /** For an active commit: pivot to `base` when in sync (`false` leaves it mirroring at READY). @default true */
  pivot?: boolean;
}

/** Options of `BlockJobManager.pull`. */
export type BlockPullOptions = BlockJobOptions;

/** Options of `BlockJobManager.wait`: follow a job already running on a disk (after a reconnect, or from another process). */
export interface BlockJobWaitOptions extends CallOptions {
  /** For a copy or active commit: pivot when READY; `false` returns at READY. @default true */
  pivot?: boolean;
  onProgress?: ProgressCallback<BlockJobProgress>;
}

/** How a block job ended for the caller. */
export interface BlockJobResult {
  domain: DomainRef;
  disk: string;
  job: BlockJobType;
  /**
   * `'completed'`: a pull or commit finished; `'pivoted'`: a copy or active
   * commit switched the disk over; `'ready'`: it is in sync and still
   * mirroring (`pivot: false`): pivot or cancel it later.
   */
  outcome: 'completed' | 'pivoted' | 'ready';
  /** What told the SDK: libvirt's BLOCK_JOB_2 event, or GET_BLOCK_JOB_INFO / the live XML (`'poll'`, e.g. across a reconnect). */
  confirmedBy: 'event' | 'poll';
  /** The last progress seen. */
  progress: BlockJobProgress | undefined;
  /** Times the connection was re-established while the SDK followed the job. */
  reconnects: number;
  elapsedMs: number;
  /** The disk's image chain afterwards, top first (paths). */
  chain: string[];
}

/** What became of the image a copy moved the disk away from. */
export type OldImageOutcome =
  | { outcome: 'deleted'; path: string | undefined; pool: string | undefined; name: string | undefined }
  /** Kept: not made by the SDK for this VM (`'not-owned'`), or the destroyer's checks kept it (`'in-use'`, …). */
  | { outcome: 'kept'; path: string | undefined; reason: string };

/** Result of `BlockJobManager.copy`. */
export interface BlockCopyResult extends BlockJobResult {
  /** The copy. `pool`/`name` when the SDK made it as a volume (then it is recorded as owned by the VM, once pivoted). */
  destination: { path: string; format: string; pool?: string; name?: string };
  /** The disk's previous image, after a pivot. */
  previous?: OldImageOutcome;
}

/** A running block-job operation: await it for the result; iterate `progress` for reports as they come. */
export type BlockJobTask<R> = Promise<R> & {
  /** Progress reports until the job ends (the iterator throws the job's error if it fails). */
  readonly progress: AsyncIterable<BlockJobProgress>;
};

/** A job found on a disk ({@link BlockJobProgress} plus the VM). */
export interface FoundBlockJob extends BlockJobProgress {
  domain: DomainRef;
}

const JOB_KEYS = {
  signal: true,
  timeout: true,
  disk: true,
  bandwidth: true,
  onProgress: true,
} as const satisfies KnownKeys<BlockJobOptions>;
const COPY_KEYS = { ...JOB_KEYS, to: true, pivot: true, shallow: true } as const satisfies KnownKeys<BlockCopyOptions>;
const COMMIT_KEYS = { ...JOB_KEYS, base: true, top: true, pivot: true } as const satisfies KnownKeys<BlockCommitOptions>;
const WAIT_KEYS = { signal: true, timeout: true, pivot: true, onProgress: true } as const satisfies KnownKeys<BlockJobWaitOptions>;
/** A copy's destination: in a pool, or at a path. */
const TO_POOL_KEYS = { pool: true, name: true, format: true } as const satisfies KnownKeys<Extract<BlockCopyDestination, { pool: string }>>;
const TO_PATH_KEYS = { path: true, format: true, existing: true } as const satisfies KnownKeys<
  Extract<BlockCopyDestination, { path: string }>
>;

/** Refuse an option the method does not take (`unknown option 'bandwith' (did you mean 'bandwidth'?)`). */
function checkOptionKeys(options: object, known: Readonly<Record<string, true>>, prefix = ''): void {
  checkKeys(options, known, prefix, { code: ErrorCode.INVALID_ARGUMENT, kind: 'option' });
}

function failIf(condition: boolean, path: string, message: string): void {
  if (condition) throw new InvalidArgumentError(`${path} ${message}`, { path });
}

function checkBool(value: unknown, path: string): void {
  failIf(value !== undefined && typeof value !== 'boolean', path, 'must be a boolean');
}

/** Check the options every block job shares, refusing a key `known` (the method's options) does not list. @throws {@link InvalidArgumentError} */
export function checkJobOptions(options: BlockJobOptions, known: Readonly<Record<string, true>> = JOB_KEYS): void {
  failIf(typeof options !== 'object' || options === null, 'options', 'must be an object with at least { disk }');
  checkOptionKeys(options, known);
  failIf(typeof options.disk !== 'string' || !/^[a-z]{2,3}[a-z0-9]*$/i.test(options.disk), 'disk', "must be a disk target such as 'vda'");
  const bw: unknown = options.bandwidth;
  failIf(
    bw !== undefined && (typeof bw !== 'number' || !Number.isSafeInteger(bw) || bw < 0),
    'bandwidth',
    'must be whole bytes per second',
  );
  failIf(options.onProgress !== undefined && typeof options.onProgress !== 'function', 'onProgress', 'must be a function');
}

/** Check copy options. @throws {@link InvalidArgumentError} */
export function checkCopyOptions(options: BlockCopyOptions): void {
  checkJobOptions(options, COPY_KEYS);
  checkBool(options.pivot, 'pivot');
  checkBool(options.shallow, 'shallow');
  const to: unknown = options.to;
  failIf(typeof to !== 'object' || to === null, 'to', 'must be { pool, name?, format? } or { path, format?, existing? }');
  const dest = to as Record<string, unknown>;
  failIf('pool' in dest === 'path' in dest, 'to', 'must name either a pool or a path');
  checkOptionKeys(dest, 'pool' in dest ? TO_POOL_KEYS : TO_PATH_KEYS, 'to');
  const format = dest['format'];
  failIf(format !== undefined && format !== 'qcow2' && format !== 'raw', 'to.format', "must be 'qcow2' or 'raw'");
  if ('pool' in dest) {
    checkName(dest['pool'], 'to.pool');
    if (dest['name'] !== undefined) checkName(dest['name'], 'to.name');
    failIf(typeof dest['name'] === 'string' && dest['name'].includes('/'), 'to.name', 'must be a volume name, not a path');
  } else {
    failIf(
      typeof dest['path'] !== 'string' || !dest['path'].startsWith('/') || dest['path'].includes('\0'),
      'to.path',
      'must be an absolute path',
    );
    checkBool(dest['existing'], 'to.existing');
  }
}

/** Check commit options. @throws {@link InvalidArgumentError} */
export function checkCommitOptions(options: BlockCommitOptions): void {
  checkJobOptions(options, COMMIT_KEYS);
  checkBool(options.pivot, 'pivot');
  for (const key of ['base', 'top'] as const) {
    const value: unknown = options[key];
    failIf(
      value !== undefined && (typeof value !== 'string' || value === '' || value.includes('\0')),
      key,
      'must be an image (vda[2]) or a path',
    );
  }
}

/** Check wait options. @throws {@link InvalidArgumentError} */
export function checkWaitOptions(disk: unknown, options: BlockJobWaitOptions): void {
  checkJobOptions({ ...options, disk } as BlockJobOptions, { ...WAIT_KEYS, disk: true });
  checkBool(options.pivot, 'pivot');
}
