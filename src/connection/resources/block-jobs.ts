/**
 * A domain's block jobs, one call each: start a copy, commit or pull; read,
 * throttle, finish (pivot) or cancel the job on a disk. The disk-state
 * module's `BlockJobManager` builds confirmed operations with progress on
 * top of these. Bandwidths here are always bytes per second (the calls send
 * libvirt's BANDWIDTH_BYTES flags), whatever unit a procedure defaults to.
 *
 * @module
 */
import { InvalidArgumentError } from '../../errors/index.js';
import {
  DOMAIN_BLOCK_COMMIT,
  DOMAIN_BLOCK_COPY,
  DOMAIN_BLOCK_JOB_ABORT,
  DOMAIN_BLOCK_JOB_SET_SPEED,
  DOMAIN_BLOCK_PULL,
  DOMAIN_GET_BLOCK_JOB_INFO,
  type CallOptions,
  type TypedParam,
} from '../../rpc/index.js';
import { flagBits } from './check-options.js';
import { type DomainInput, resolveDomain } from './refs.js';
import { type ResourceCall, toSafeNumber } from './types.js';

/** `virDomainBlockJobType`, by name (`'unknown'` for 0 and numbers this SDK does not know). */
export type BlockJobType = 'pull' | 'copy' | 'commit' | 'active-commit' | 'backup' | 'unknown';

const JOB_TYPES: readonly BlockJobType[] = ['unknown', 'pull', 'copy', 'commit', 'active-commit', 'backup'];

/** The name of a `virDomainBlockJobType` number. */
export function blockJobTypeName(type: number): BlockJobType {
  return JOB_TYPES[type] ?? 'unknown';
}

/** A running block job, as `virDomainGetBlockJobInfo` reports it. */
export interface BlockJobInfo {
  type: BlockJobType;
  /** libvirt's number for `type`. */
  typeCode: number;
  /** Progress: `cur` of `end` (units are QEMU's, roughly bytes; `end` may grow while the guest writes). */
  cur: number;
  end: number;
  /** The job's bandwidth cap in bytes per second; 0 = none. */
  bandwidth: number;
}

/** Options of {@link BlockJobResource.copy} (`virDomainBlockCopyFlags` and parameters). */
export interface BlockCopyCallOptions extends CallOptions {
  /** Cap in bytes per second (parameter `bandwidth`). */
  bandwidth?: number;
  /** Copy only the top image; the destination keeps the same backing chain (SHALLOW). */
  shallow?: boolean;
  /** The destination exists already; libvirt does not create it (REUSE_EXT). */
  reuseExternal?: boolean;
  /**
   * A job libvirt need not be able to recover (TRANSIENT_JOB). libvirt 9.0
   * refuses a copy of a persistent domain without it (`VIR_ERR_OPERATION_INVALID`
   * "domain is not transient"); after the pivot it still updates the
   * persistent definition to the new image.
   */
  transientJob?: boolean;
  /** Guest writes go to both images until the pivot (SYNCHRONOUS_WRITES, libvirt ≥ 8.0). */
  synchronousWrites?: boolean;
}

/** Options of {@link BlockJobResource.commit} (`virDomainBlockCommitFlags`). */
export interface BlockCommitCallOptions extends CallOptions {
  /** The image to commit into (target-index form `vda[2]` or a path); default: the deepest backing image. */
  base?: string;
  /** The image to commit from; default: the active layer (needs `active`). */
  top?: string;
  /** Cap in bytes per second. */
  bandwidth?: number;
  /** `base` is `top`'s immediate backing image (SHALLOW). */
  shallow?: boolean;
  /** Commit the active layer: a two-phase job, READY then pivot (ACTIVE). */
  active?: boolean;
  /** Keep backing names relative (RELATIVE). */
  relative?: boolean;
}

/** Options of {@link BlockJobResource.pull}. */
export interface BlockPullCallOptions extends CallOptions {
  /** Cap in bytes per second. */
  bandwidth?: number;
}

/** Options of {@link BlockJobResource.abort}. */
export interface BlockJobAbortOptions extends CallOptions {
  /** Finish a READY copy or active commit by switching the disk over (PIVOT); without it the job is cancelled. */
  pivot?: boolean;
  /** Return before QEMU is done (ASYNC); the event says when. */
  async?: boolean;
}

const U64_MAX = 2n ** 64n - 1n;

function checkDisk(disk: unknown): string {
  if (typeof disk !== 'string' || disk === '' || disk.includes('\0'))
    throw new InvalidArgumentError('disk must be a disk target (vda) or its source path', { path: 'disk' });
  return disk;
}

function checkBandwidth(value: unknown): bigint {
  if (value === undefined) return 0n;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new InvalidArgumentError('bandwidth must be a whole number of bytes per second (0 = no cap)', { path: 'bandwidth' });
  return BigInt(value) > U64_MAX ? U64_MAX : BigInt(value);
}

function optionalName(value: unknown, path: string): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || value === '' || value.includes('\0'))
    throw new InvalidArgumentError(`${path} must be a non-empty image name (vda[2]) or path`, { path });
  return value;
}

/** `virDomainBlockCommitFlags.BANDWIDTH_BYTES`, `virDomainBlockPullFlags.BANDWIDTH_BYTES`, info/set-speed BANDWIDTH_BYTES. */
const COMMIT_BANDWIDTH_BYTES = 16;
const PULL_BANDWIDTH_BYTES = 64;
const JOB_BANDWIDTH_BYTES = 1;

/**
 * Block jobs of domains (`conn.domains.blockJobs`). Each method sends one
 * call; a started job runs in QEMU until it ends by itself (pull, commit),
 * or until {@link abort} ends it (copy and active commit, once READY).
 */
export class BlockJobResource {
  readonly #call: ResourceCall;

  constructor(call: ResourceCall) {
    this.#call = call;
  }

  /**
   * Start mirroring `disk` into the image `destXml` describes.
   * @example await conn.domains.blockJobs.copy('web1', 'vdb', "<disk type='file'><source file='/new/web1.qcow2'/><driver type='qcow2'/></disk>", { reuseExternal: true, transientJob: true });
   * @throws {@link InvalidArgumentError} for bad input, before anything is sent
   * @see virDomainBlockCopy
   */
  async copy(domain: DomainInput, disk: string, destXml: string, options: BlockCopyCallOptions = {}): Promise<void> {
    const path = checkDisk(disk);
    if (typeof destXml !== 'string' || destXml === '')
      throw new InvalidArgumentError('destXml must be a <disk> element', { path: 'destXml' });
    const flags = flagBits(options, { shallow: 1, reuseExternal: 2, transientJob: 4, synchronousWrites: 8 });
    const params: TypedParam[] =
      options.bandwidth === undefined ? [] : [{ field: 'bandwidth', type: 'ullong', value: checkBandwidth(options.bandwidth) }];
    const dom = await resolveDomain(this.#call, domain, options);
    await this.#call(DOMAIN_BLOCK_COPY, { dom, path, destxml: destXml, params, flags }, options);
  }

  /**
   * Start committing images of `disk`'s backing chain down into a lower one.
   * @example await conn.domains.blockJobs.commit('web1', 'vda', { active: true });
   * @see virDomainBlockCommit
   */
  async commit(domain: DomainInput, disk: string, options: BlockCommitCallOptions = {}): Promise<void> {
    const path = checkDisk(disk);
    const base = optionalName(options.base, 'base');
    const top = optionalName(options.top, 'top');
    const bandwidth = checkBandwidth(options.bandwidth);
    const flags = flagBits(options, { shallow: 1, active: 4, relative: 8 }) | COMMIT_BANDWIDTH_BYTES;
    const dom = await resolveDomain(this.#call, domain, options);
    await this.#call(DOMAIN_BLOCK_COMMIT, { dom, disk: path, base, top, bandwidth, flags }, options);
  }

  /**
   * Start pulling `disk`'s whole backing chain into its active image.
   * @example await conn.domains.blockJobs.pull('web1', 'vda');
   * @see virDomainBlockPull
   */
  async pull(domain: DomainInput, disk: string, options: BlockPullCallOptions = {}): Promise<void> {
    const path = checkDisk(disk);
    const bandwidth = checkBandwidth(options.bandwidth);
    const dom = await resolveDomain(this.#call, domain, options);
    await this.#call(DOMAIN_BLOCK_PULL, { dom, path, bandwidth, flags: PULL_BANDWIDTH_BYTES }, options);
  }

  /**
   * Cancel `disk`'s job, or finish a READY copy or active commit (`pivot`).
   * Without `async` the call returns once QEMU is done; a CANCELED or
   * COMPLETED event follows either way.
   * @throws LibvirtError `VIR_ERR_BLOCK_COPY_ACTIVE` for a pivot before READY
   * @see virDomainBlockJobAbort
   */
  async abort(domain: DomainInput, disk: string, options: BlockJobAbortOptions = {}): Promise<void> {
    const path = checkDisk(disk);
    const flags = flagBits(options, { async: 1, pivot: 2 });
    const dom = await resolveDomain(this.#call, domain, options);
    await this.#call(DOMAIN_BLOCK_JOB_ABORT, { dom, path, flags }, options);
  }

  /**
   * `disk`'s job, or `null` when it has none. libvirt 9.0 keeps `cur` below
   * `end` until a copy or active commit is READY (seen on the daemon:
   * `end - 1` while QEMU says not ready), so `cur === end` means READY for those.
   * @example const job = await conn.domains.blockJobs.info('web1', 'vda'); // { type: 'copy', cur, end, bandwidth } | null
   * @see virDomainGetBlockJobInfo
   */
  async info(domain: DomainInput, disk: string, options: CallOptions = {}): Promise<BlockJobInfo | null> {
    const path = checkDisk(disk);
    const dom = await resolveDomain(this.#call, domain, options);
    const reply = await this.#call(DOMAIN_GET_BLOCK_JOB_INFO, { dom, path, flags: JOB_BANDWIDTH_BYTES }, options);
    if (reply.found === 0) return null;
    return {
      type: blockJobTypeName(reply.type),
      typeCode: reply.type,
      cur: toSafeNumber(reply.cur),
      end: toSafeNumber(reply.end),
      bandwidth: toSafeNumber(reply.bandwidth),
    };
  }

  /**
   * Change the bandwidth cap of `disk`'s job (bytes per second, 0 = none).
   * @see virDomainBlockJobSetSpeed
   */
  async setSpeed(domain: DomainInput, disk: string, bandwidth: number, options: CallOptions = {}): Promise<void> {
    const path = checkDisk(disk);
    const value = checkBandwidth(bandwidth);
    const dom = await resolveDomain(this.#call, domain, options);
    await this.#call(DOMAIN_BLOCK_JOB_SET_SPEED, { dom, path, bandwidth: value, flags: JOB_BANDWIDTH_BYTES }, options);
  }
}
