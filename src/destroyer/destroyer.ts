import { ErrorCode, InvalidArgumentError, LibvirtError, LibvirtManagerError, VirErrorCode } from '../errors/index.js';
import { checkLifecycleOptions } from '../lifecycle/index.js';
import { type CallOptions, type DomainInput, type DomainRef, type LibvirtConnection, type Logger, type StorageVolRef, checkDuration, logSafely as log } from '../connection/index.js';
import { type DomainModel, parseDomainXml } from '../xml/index.js';
import { type StoragePolicy, planVolumes } from './plan.js';
import { type DestroyReport, type VolumeRecord, emptyReport } from './report.js';
import { undefineDomain } from './undefine.js';
import { type StopOperations, stopForTeardown } from './stop.js';
import { localHost, provesSharedFilesystem } from './local-host.js';
import { type UsageView, UsageScans } from './usage.js';
import { type VolumeOutcome, deleteRecordedVolume, findPoolVolume } from './volume-delete.js';

export type { StopOperations } from './stop.js';

/** Options of {@link VMDestroyer.destroy}. */
export interface DestroyOptions extends CallOptions {
  /**
   * How to stop a VM that is not shut off: `'graceful'` asks the guest (ACPI,
   * re-sent) and forces it off after `shutdownTimeout`; `'force'` pulls the plug.
   * With `'graceful'`, a VM the user paused is resumed first and then shut down
   * (a paused guest cannot act on the request); a crashed or pmsuspended VM, or
   * one paused for another reason (I/O error, watchdog, a save or dump job,
   * paused at start-up), is forced off. `report.stateBefore` says what it was.
   * @default 'graceful'
   */
  stop?: 'graceful' | 'force';
  /** Milliseconds a graceful shutdown may take before the VM is forced off. @default 60000 */
  shutdownTimeout?: number;
  /** Which volumes to delete. @default 'owned' */
  storage?: StoragePolicy;
}

const POLICIES: readonly StoragePolicy[] = ['owned', 'all-safe', 'none'];

/**
 * Validate {@link DestroyOptions} the way `destroy` does before it sends
 * anything (the state registry runs it too, before it looks a VM up).
 *
 * @example checkDestroyOptions({ storage: 'owned', stop: 'force', timeout: 30_000 });
 * @throws {@link InvalidArgumentError} naming the option (`path`)
 */
export function checkDestroyOptions(options: unknown): void {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidArgumentError('options must be an object', { path: 'options' });
  }
  const o = (options ?? {}) as DestroyOptions;
  const policy = o.storage ?? 'owned';
  if (!POLICIES.includes(policy)) {
    throw new InvalidArgumentError(`storage must be one of ${POLICIES.join(', ')}, got ${String(policy)}`, { path: 'storage' });
  }
  const stop = o.stop ?? 'graceful';
  if (stop !== 'graceful' && stop !== 'force') {
    throw new InvalidArgumentError(`stop must be 'graceful' or 'force', got ${String(stop)}`, { path: 'stop' });
  }
  // `signal` and `timeout` (per call here) follow the lifecycle's rules.
  checkLifecycleOptions('forceOff', { signal: o.signal, timeout: o.timeout });
  checkDuration(o.shutdownTimeout, 'shutdownTimeout');
}

function asSdkError(error: unknown): LibvirtManagerError {
  return error instanceof LibvirtManagerError ? error : new LibvirtManagerError(ErrorCode.INTERNAL, String(error), { cause: error });
}

function isNoDomain(error: unknown): boolean {
  return error instanceof LibvirtError && error.code === VirErrorCode.VIR_ERR_NO_DOMAIN;
}

/**
 * Safe, idempotent teardown: stop, delete storage by policy, undefine with
 * flag negotiation — and never delete a disk the policy does not cover or
 * another domain uses.
 *
 * Order matters for recovery. Volumes go first and the definition last, and
 * the definition is only removed once every volume that was to go is gone:
 * if anything fails (even libvirtd dying midway), the domain and its
 * ownership record stay, and calling `destroy` again finishes the job.
 *
 * @example
 * const report = await destroyer.destroy('web1', { storage: 'owned' });
 * if (!report.complete) console.warn(report.errors);
 */
export class VMDestroyer {
  readonly #connection: LibvirtConnection;
  readonly #stopper: StopOperations;
  readonly #logger: Logger | undefined;
  readonly #usage: UsageScans;

  constructor(connection: LibvirtConnection, lifecycle: StopOperations, options: { logger?: Logger } = {}) {
    this.#connection = connection;
    this.#usage = new UsageScans(connection);
    this.#stopper = lifecycle;
    this.#logger = options.logger;
  }

  /**
   * Tear a VM down. Destroying a VM that no longer exists reports
   * `alreadyGone` and does nothing. Per-volume failures are collected in the
   * report instead of thrown midway.
   *
   * @throws {@link InvalidArgumentError} on bad options (nothing is sent)
   * @throws connection errors raised before anything was changed (e.g. `ConnectionClosedError`)
   * @see virDomainDestroyFlags
   * @see virDomainUndefineFlags
   * @see virStorageVolDelete
   */
  async destroy(vm: DomainInput, options: DestroyOptions = {}): Promise<DestroyReport> {
    checkDestroyOptions(options);
    if (typeof vm !== 'string' && (typeof vm !== 'object' || vm === null || typeof vm.name !== 'string' || typeof vm.uuid !== 'string')) {
      throw new InvalidArgumentError('vm must be a name, a UUID or a domain reference { name, uuid }', { path: 'vm' });
    }
    const policy = options.storage ?? 'owned';
    const stop = options.stop ?? 'graceful';
    const call: CallOptions = {
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    };
    const report = emptyReport();

    let domain: DomainRef;
    try {
      domain = typeof vm === 'string' ? await this.#connection.domains.lookup(vm, call) : vm;
      report.domain = { name: domain.name, uuid: domain.uuid };
      // Read the definition before stopping: a transient domain disappears when stopped.
      const persistent = await this.#connection.domains.isPersistent(domain, call);
      report.transient = !persistent;
    } catch (error) {
      if (isNoDomain(error)) return { ...report, alreadyGone: true, complete: true };
      throw error;
    }

    let model: DomainModel;
    try {
      model = parseDomainXml(await this.#connection.domains.getXml(domain, { ...call, inactive: !report.transient }));
    } catch (error) {
      if (isNoDomain(error)) return { ...report, alreadyGone: true, complete: true };
      report.errors.push({ step: 'inspect', error: asSdkError(error) });
      return report;
    }

    if (!(await this.#stop(domain, stop, options, call, report))) return report;

    const plan = planVolumes(model, policy);
    report.volumesKept.push(...plan.keep);
    if (!(await this.#deleteVolumes(domain, plan.delete, call, report))) return report;

    const volumesFailed = report.errors.some((e) => e.step === 'delete-volume');
    if (!report.transient && !volumesFailed) {
      try {
        const result = await undefineDomain(this.#connection, domain, call);
        report.undefined = result.undefined;
        report.undefineFlags = result.flags;
      } catch (error) {
        report.errors.push({ step: 'undefine', error: asSdkError(error) });
      }
    }
    report.complete = report.errors.length === 0;
    log(this.#logger, report.complete ? 'info' : 'warn', 'domain teardown finished', {
      domain: domain.name,
      complete: report.complete,
      stopped: report.stopped,
      undefined: report.undefined,
      deleted: report.volumesDeleted.length,
      kept: report.volumesKept.length,
      errors: report.errors.length,
    });
    return report;
  }

  /**
   * Finish a teardown that an earlier {@link VMDestroyer.destroy} left
   * incomplete (`report.complete === false`).
   *
   * While the domain exists this is `destroy` again: its ownership record is
   * still there (the definition goes last), so the same policy finds the same
   * volumes. A **transient** domain, however, vanished when it was stopped,
   * and its record with it: the volumes whose deletion failed are then known
   * only from the report, so they are deleted from it — after the same check
   * that no other domain uses them. Nothing else in the report is touched.
   *
   * @example
   * let report = await destroyer.destroy(vm, { stop: 'force' });
   * while (!report.complete) report = await destroyer.finish(report);
   * @returns a new report of what this call did; `alreadyGone` and `complete` when nothing was left
   * @throws {@link InvalidArgumentError} when `report` is not a destroy report, or on bad options (nothing is sent)
   */
  async finish(report: DestroyReport, options: DestroyOptions = {}): Promise<DestroyReport> {
    checkDestroyOptions(options);
    if (typeof report !== 'object' || report === null || !Array.isArray(report.errors) || typeof report.complete !== 'boolean') {
      throw new InvalidArgumentError('report must be a DestroyReport returned by destroy or finish', { path: 'report' });
    }
    const gone = { ...emptyReport(), domain: report.domain, transient: report.transient, alreadyGone: true, complete: true };
    if (report.complete || report.domain === null) return gone;
    const call: CallOptions = {
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    };
    let domain: DomainRef | undefined;
    try {
      domain = await this.#connection.domains.lookupByUuid(report.domain.uuid, call);
    } catch (error) {
      if (!isNoDomain(error)) throw error;
    }
    if (domain !== undefined) return this.destroy(domain, options);
    const left = Array.isArray(report.volumesLeft) ? report.volumesLeft : [];
    if (left.length === 0) return gone;
    const next: DestroyReport = { ...emptyReport(), domain: report.domain, transient: report.transient };
    // Not `alreadyGone`: the domain is, but some of its volumes were not.
    const self = { ...report.domain, id: -1 };
    if (await this.#deleteVolumes(self, left, call, next)) next.complete = next.errors.length === 0;
    log(this.#logger, next.complete ? 'info' : 'warn', 'domain teardown finished from a report', {
      domain: report.domain.name,
      complete: next.complete,
      deleted: next.volumesDeleted.length,
      errors: next.errors.length,
    });
    return next;
  }

  /**
   * Delete these volumes of `domain`, except those another domain uses (kept
   * as `in-use`) and — unless the SDK created them — those below another of
   * its own disks (`backing-image`). Both are decided by storage identity
   * (volume key, every spelling of a path, symlinks where the SDK shares the
   * daemon's filesystem), never by comparing path strings. `false` when who
   * uses what could not be read: then nothing is deleted, since deleting any
   * would be a gamble.
   */
  async #deleteVolumes(domain: DomainRef, volumes: readonly VolumeRecord[], call: CallOptions, report: DestroyReport): Promise<boolean> {
    if (volumes.length === 0) return true;
    let usage: UsageView;
    try {
      await this.#proveLocal(volumes, call);
      usage = await this.#usage.view(domain, call);
    } catch (error) {
      report.errors.push({ step: 'inspect', error: asSdkError(error) });
      report.volumesLeft.push(...volumes);
      return false;
    }
    for (const volume of volumes) {
      let ids: string[];
      try {
        ids = await usage.resolver.of({
          ...(volume.path === undefined ? {} : { path: volume.path }),
          ...(volume.pool === undefined || volume.name === undefined ? {} : { pool: volume.pool, volume: volume.name }),
        });
      } catch (error) {
        report.errors.push({ step: 'inspect', volume, error: asSdkError(error) });
        report.volumesLeft.push(volume);
        continue;
      }
      const users = usage.usersOf(ids);
      if (users.length > 0) {
        report.volumesKept.push({ volume, reason: 'in-use', detail: `used by ${users.join(', ')}` });
        continue;
      }
      if (!volume.owned && usage.backsSelf(ids)) {
        report.volumesKept.push({ volume, reason: 'backing-image', detail: "in the backing chain of another of this domain's disks" });
        continue;
      }
      this.#record(volume, await deleteRecordedVolume(this.#connection, volume, this.#usage.local, call), report);
    }
    return true;
  }

  /**
   * Learn once per connection whether the SDK sees the daemon's filesystem
   * (then symlinks are followed and qcow2 headers read), from the fingerprint
   * of a volume about to be deleted.
   */
  async #proveLocal(volumes: readonly VolumeRecord[], call: CallOptions): Promise<void> {
    if (this.#usage.local !== null) return;
    let sample: StorageVolRef | undefined;
    for (const volume of volumes.slice(0, 3)) {
      sample = await findPoolVolume(this.#connection, volume, call);
      if (sample !== undefined) break;
    }
    // None of them is in a pool any more: any volume of a running pool proves it as well.
    if (sample === undefined) {
      for (const pool of (await this.#connection.storage.pools.list({ ...call, flags: 2 /* ACTIVE */ })).slice(0, 3)) {
        sample = (await this.#connection.storage.volumes.list(pool, call).catch(() => []))[0];
        if (sample !== undefined) break;
      }
    }
    if (sample !== undefined && (await provesSharedFilesystem(this.#connection, sample, call).catch(() => false))) this.#usage.local = localHost;
  }

  #record(volume: VolumeRecord, outcome: VolumeOutcome, report: DestroyReport): void {
    switch (outcome.kind) {
      case 'deleted':
        report.volumesDeleted.push({ ...volume, pool: outcome.ref.pool, name: outcome.ref.name });
        return;
      case 'gone':
        report.volumesAlreadyGone.push(volume);
        return;
      case 'kept':
        report.volumesKept.push({ volume, reason: outcome.reason, detail: outcome.detail });
        return;
      case 'failed':
        report.errors.push({ step: 'delete-volume', volume, error: asSdkError(outcome.error) });
        report.volumesLeft.push(volume);
    }
  }

  /** Stop the VM if it is not shut off; `false` when it could not be stopped (nothing else is safe then). */
  async #stop(domain: DomainRef, stop: 'graceful' | 'force', options: DestroyOptions, call: CallOptions, report: DestroyReport): Promise<boolean> {
    try {
      const outcome = await stopForTeardown(this.#connection, this.#stopper, domain, stop, options.shutdownTimeout ?? 60_000, call);
      report.stopped = outcome.stopped;
      report.stateBefore = outcome.before;
      return true;
    } catch (error) {
      // A transient domain vanishes when it stops; that is success.
      if (isNoDomain(error)) {
        report.stopped = report.stopped === 'none' ? 'forced' : report.stopped;
        return true;
      }
      report.stopped = 'failed';
      report.errors.push({ step: 'stop', error: asSdkError(error) });
      return false;
    }
  }

}
