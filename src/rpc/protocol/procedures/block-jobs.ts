/**
 * Block-job procedures: copy a disk to a new image (mirror, then pivot),
 * commit an overlay into its backing image, pull the backing chain into the
 * top image, and watch, throttle, finish or cancel the job. `path`/`disk` is
 * the disk's target (`vda`) or its unambiguous source path. One job per disk
 * at a time; completion comes as BLOCK_JOB / BLOCK_JOB_2 events.
 */
import { int, struct, uhyper, uint, xdrVoid } from '../../xdr/index.js';
import { procedure } from '../procedure.js';
import { typedParams } from '../typed-param.js';
import { nonnullDomain, nonnullString, remoteString } from '../types.js';

/** `REMOTE_DOMAIN_BLOCK_COPY_PARAMETERS_MAX`: typed parameters a BLOCK_COPY call may carry. */
export const REMOTE_DOMAIN_BLOCK_COPY_PARAMETERS_MAX = 16;

/** `{ dom, path, flags }` of the job's abort and info calls. */
const jobArgs = struct({ dom: nonnullDomain, path: nonnullString, flags: uint });

/**
 * 345: mirror a disk into the image `destxml` describes (a `<disk>` with
 * `<source>` and `<driver type>`); params `bandwidth` (ULLONG, bytes/s),
 * `granularity` (UINT), `buf-size` (ULLONG); flags = virDomainBlockCopyFlags.
 * Two-phase: READY, then BLOCK_JOB_ABORT with PIVOT (or without, to cancel).
 * @see virDomainBlockCopy
 */
export const DOMAIN_BLOCK_COPY = procedure(
  345,
  'DOMAIN_BLOCK_COPY',
  struct({
    dom: nonnullDomain,
    path: nonnullString,
    destxml: nonnullString,
    params: typedParams(REMOTE_DOMAIN_BLOCK_COPY_PARAMETERS_MAX),
    flags: uint,
  }),
  xdrVoid,
);

/**
 * 290: commit the images from `top` (NULL: the active layer, needs flag
 * ACTIVE) down into `base` (NULL: the deepest backing image); `bandwidth` in
 * MiB/s unless flag BANDWIDTH_BYTES (16). An active commit is two-phase like a copy.
 * @see virDomainBlockCommit
 */
export const DOMAIN_BLOCK_COMMIT = procedure(
  290,
  'DOMAIN_BLOCK_COMMIT',
  struct({ dom: nonnullDomain, disk: nonnullString, base: remoteString, top: remoteString, bandwidth: uhyper, flags: uint }),
  xdrVoid,
);

/**
 * 240: pull the whole backing chain into the active image; `bandwidth` in
 * MiB/s unless flag BANDWIDTH_BYTES (64).
 * @see virDomainBlockPull
 */
export const DOMAIN_BLOCK_PULL = procedure(
  240,
  'DOMAIN_BLOCK_PULL',
  struct({ dom: nonnullDomain, path: nonnullString, bandwidth: uhyper, flags: uint }),
  xdrVoid,
);

/**
 * 237: cancel the disk's job, or with PIVOT (2) finish a READY copy or active
 * commit by switching the disk over; ASYNC (1) returns before QEMU is done.
 * A CANCELED or COMPLETED event follows either way.
 * @see virDomainBlockJobAbort
 */
export const DOMAIN_BLOCK_JOB_ABORT = procedure(237, 'DOMAIN_BLOCK_JOB_ABORT', jobArgs, xdrVoid);

/**
 * 238: the disk's job. Hand-written in libvirt on both sides
 * (`@generate: none`): `found` 0 = no job (the other fields are zero),
 * 1 = a job of `type` (virDomainBlockJobType) at `cur` of `end`;
 * `bandwidth` in MiB/s unless flag BANDWIDTH_BYTES (1).
 * @see virDomainGetBlockJobInfo
 */
export const DOMAIN_GET_BLOCK_JOB_INFO = procedure(
  238,
  'DOMAIN_GET_BLOCK_JOB_INFO',
  jobArgs,
  struct({ found: int, type: int, bandwidth: uhyper, cur: uhyper, end: uhyper }),
);

/**
 * 239: change a running job's bandwidth cap (0 = none); MiB/s unless flag
 * BANDWIDTH_BYTES (1).
 * @see virDomainBlockJobSetSpeed
 */
export const DOMAIN_BLOCK_JOB_SET_SPEED = procedure(
  239,
  'DOMAIN_BLOCK_JOB_SET_SPEED',
  struct({ dom: nonnullDomain, path: nonnullString, bandwidth: uhyper, flags: uint }),
  xdrVoid,
);
