/**
 * Errors of day-2 operations that libvirt or the guest did not carry out: a
 * device unplug, a domain job (backup), a block job, a migration. Each says
 * where things stand afterwards.
 * @module
 */
import { LibvirtManagerError, type LibvirtManagerErrorOptions } from './base.js';
import { ErrorCode } from './sdk-codes.js';

/** Why a device was not unplugged. */
export type DeviceDetachFailure =
  /** libvirt reported DEVICE_REMOVAL_FAILED: the guest (or QEMU) refused the unplug. */
  | 'removal-failed'
  /** The guest did not release the device within the timeout, re-sent requests included. */
  | 'timeout'
  /** The device left the running VM, but removing it from the persistent definition failed. */
  | 'config-failed';

/**
 * A device was not (fully) unplugged. Says exactly where things stand:
 * `live` (`'removed'`, `'present'`, or `'pending'` — an unplug request the
 * guest may still act on) and `config` (`'removed'` or `'unchanged'`). The
 * SDK never removes a device from the persistent definition while the
 * running VM still has it, so after a `'timeout'` or `'removal-failed'` both
 * still have the device; call detach again to retry.
 *
 * @example
 * try { await devices.detachDisk('web1', 'vdb'); } catch (e) {
 *   if (e instanceof DeviceDetachError && e.reason === 'timeout') console.log(e.live, e.config); // 'pending' 'unchanged'
 * }
 */
export class DeviceDetachError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'DeviceDetachError';
  declare readonly code: typeof ErrorCode.DEVICE_DETACH;
  readonly reason: DeviceDetachFailure;
  /** The disk's target or the NIC's MAC. */
  readonly device: string;
  /** The live device's alias, when it had one. */
  readonly alias: string | undefined;
  /** Where the running VM stands. */
  readonly live: 'removed' | 'present' | 'pending';
  /** Where the persistent definition stands. */
  readonly config: 'removed' | 'unchanged';
  /** Unplug requests sent. */
  readonly requests: number;
  constructor(
    fields: {
      reason: DeviceDetachFailure;
      device: string;
      alias: string | undefined;
      live: 'removed' | 'present' | 'pending';
      config: 'removed' | 'unchanged';
      requests: number;
    },
    message: string,
    options?: LibvirtManagerErrorOptions,
  ) {
    super(ErrorCode.DEVICE_DETACH, message, options);
    this.reason = fields.reason;
    this.device = fields.device;
    this.alias = fields.alias;
    this.live = fields.live;
    this.config = fields.config;
    this.requests = fields.requests;
  }
}

/**
 * A domain job — a backup, later a migration — ended without success:
 * QEMU failed it (`errmsg` says why, e.g. a full target pool) or it was
 * cancelled from outside the SDK (`virsh domjobabort`: `'Operation canceled'`).
 * What the operation made for the job was removed before this is thrown.
 *
 * @example
 * try { await backups.backup('web1', { pool: 'backups' }); } catch (e) {
 *   if (e instanceof JobFailedError) console.log(e.operation, e.errmsg);
 * }
 */
export class JobFailedError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'JobFailedError';
  declare readonly code: typeof ErrorCode.JOB_FAILED;
  /** The job's operation, e.g. `'backup'`. */
  readonly operation: string;
  /** libvirt's reason (the job's `errmsg`), when it gave one. */
  readonly errmsg: string | undefined;
  constructor(fields: { operation: string; errmsg: string | undefined }, message: string, options?: LibvirtManagerErrorOptions) {
    super(ErrorCode.JOB_FAILED, message, options);
    this.operation = fields.operation;
    this.errmsg = fields.errmsg;
  }
}

/**
 * A block job (copy, commit, pull) did not complete: QEMU reported it
 * `'failed'` (an I/O error, a full destination…), or it was `'canceled'` by
 * someone other than the caller (an abort through the caller's own signal
 * is an {@link AbortError}). The disk stays on its original image; a copy's
 * destination volume made by the SDK was deleted.
 *
 * @example
 * try { await manager.blockCopy('web1', { disk: 'vdb', to: { pool: 'fast' } }); } catch (e) {
 *   if (e instanceof BlockJobError) console.log(e.disk, e.job, e.status); // 'vdb' 'copy' 'failed'
 * }
 */
export class BlockJobError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'BlockJobError';
  declare readonly code: typeof ErrorCode.BLOCK_JOB;
  /** The disk's target. */
  readonly disk: string;
  /** The job: `'copy'`, `'commit'`, `'active-commit'`, `'pull'`. */
  readonly job: string;
  /** How it ended. */
  readonly status: 'failed' | 'canceled';
  constructor(fields: { disk: string; job: string; status: 'failed' | 'canceled' }, message: string, options?: LibvirtManagerErrorOptions) {
    super(ErrorCode.BLOCK_JOB, message, options);
    this.disk = fields.disk;
    this.job = fields.job;
    this.status = fields.status;
  }
}

/** Why a migration did not happen. */
export type MigrationFailure = 'destination-unreachable' | 'same-host' | 'destination-storage' | 'failed';

/**
 * A migration did not happen and the VM is still on the source (`sourceState`
 * says how it was found afterwards): the destination daemon could not be
 * reached or went away during the transfer, it is the same host, the
 * destination has no place for the copied disks, or the job failed. What the
 * SDK made on the destination was removed before this is thrown. Aborts and
 * timeouts are `AbortError` and `TimeoutError`, with the same guarantees.
 *
 * @example
 * try { await migration.migrate('web1', { to: 'qemu+tcp://host2/system' }); } catch (e) {
 *   if (e instanceof MigrationError && e.reason === 'destination-unreachable') pickAnotherHost();
 * }
 */
export class MigrationError extends LibvirtManagerError {
  /** @internal */
  static override readonly kind: string = 'MigrationError';
  declare readonly code: typeof ErrorCode.MIGRATION;
  readonly reason: MigrationFailure;
  /** The VM's state on the source after the failure (`'running'` when it kept running), when it could be read. */
  readonly sourceState: string | undefined;
  constructor(
    fields: { reason: MigrationFailure; sourceState: string | undefined },
    message: string,
    options?: LibvirtManagerErrorOptions,
  ) {
    super(ErrorCode.MIGRATION, message, options);
    this.reason = fields.reason;
    this.sourceState = fields.sourceState;
  }
}
