import {
  type CallOptions,
  type DomainInput,
  type DomainRef,
  DomainNotFoundError,
  InvalidArgumentError,
  type LibvirtConnection,
  type Logger,
  asSdkError,
  logSafely as log,
} from '../connection/internal.js';
import { Budget, CALL_CAP_MS, checkVmInput, locksOf, resolveVm, traceOperation, vmKey } from '../runtime/index.js';
import { type DomainModel, parseDomainXml } from '../xml/index.js';
import { type DestroyOptions, checkDestroyOptions } from './options.js';
import { planVolumes } from './plan.js';
import { type DestroyReport, emptyReport } from './report.js';
import { undefineDomain } from './undefine.js';
import { type StopOperations, stopForTeardown } from './stop.js';
import { VolumeTeardown } from './volumes.js';

export type { StopOperations } from './stop.js';
export { type DestroyOptions, checkDestroyOptions } from './options.js';

const isGone = (error: unknown): boolean => error instanceof DomainNotFoundError;

/**
 * Safe, idempotent teardown: stop, delete storage by policy, undefine with
 * flag negotiation — and never delete a disk the policy does not cover or
 * another domain uses.
 *
 * A teardown takes the VM's turn in its one queue (the lifecycle's and the
 * state registry's too), so nothing else runs on the VM meanwhile; with
 * `stop: 'force'` the plug is pulled first, whatever holds the turn.
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
export class VmDestroyer {
  readonly #connection: LibvirtConnection;
  readonly #stopper: StopOperations;
  readonly #logger: Logger | undefined;
  readonly #volumes: VolumeTeardown;

  constructor(connection: LibvirtConnection, lifecycle: StopOperations, options: { logger?: Logger } = {}) {
    this.#connection = connection;
    this.#volumes = new VolumeTeardown(connection);
    this.#stopper = lifecycle;
    this.#logger = options.logger;
  }

  /**
   * Tear a VM down. Destroying a VM that no longer exists reports
   * `alreadyGone` and does nothing. Per-volume failures are collected in the
   * report instead of thrown midway.
   *
   * @throws `InvalidArgumentError` on bad options (nothing is sent)
   * @throws connection errors raised before anything was changed (e.g. `ConnectionClosedError`), `TimeoutError`/`AbortError` while waiting for the VM's turn
   * @see virDomainDestroyFlags
   * @see virDomainUndefineFlags
   * @see virStorageVolDelete
   */
  destroy(vm: DomainInput, options: DestroyOptions = {}): Promise<DestroyReport> {
    return traceOperation('destroy', vm, async (message) => {
      const report = await this.#destroy(vm, options);
      if (message !== undefined && report.domain !== null) message.domain = { ...report.domain };
      return report;
    });
  }

  async #destroy(vm: DomainInput, options: DestroyOptions): Promise<DestroyReport> {
    const timeout = checkDestroyOptions(options);
    checkVmInput(vm);
    const budget = new Budget(timeout, options.signal);
    const report = emptyReport();
    let domain: DomainRef;
    try {
      domain = await resolveVm(this.#connection, vm, budget.call(CALL_CAP_MS));
    } catch (error) {
      if (isGone(error)) return { ...report, alreadyGone: true, complete: true };
      throw error;
    }
    report.domain = { name: domain.name, uuid: domain.uuid };
    const locks = locksOf(this.#connection);
    const key = vmKey(domain);
    if ((options.stop ?? 'graceful') === 'force') {
      // Pull the plug now, even while another operation holds the VM's turn; the rest waits for it.
      const model = await this.#inspect(domain, budget, report);
      if (model === null || !(await this.#stop(domain, budget, options, report))) return this.#done(domain, report);
      return locks.run(key, budget, () => this.#removeAll(domain, model, budget, options, report));
    }
    return locks.run(key, budget, async () => {
      const model = await this.#inspect(domain, budget, report);
      if (model === null || !(await this.#stop(domain, budget, options, report))) return this.#done(domain, report);
      return this.#removeAll(domain, model, budget, options, report);
    });
  }

  /** Read what the teardown needs before stopping (a transient domain vanishes when stopped); `null` when it is gone or unreadable. */
  async #inspect(domain: DomainRef, budget: Budget, report: DestroyReport): Promise<DomainModel | null> {
    try {
      report.transient = !(await this.#connection.domains.isPersistent(domain, budget.call(CALL_CAP_MS)));
      return parseDomainXml(await this.#connection.domains.getXml(domain, { ...budget.call(CALL_CAP_MS), inactive: !report.transient }));
    } catch (error) {
      if (isGone(error)) Object.assign(report, { alreadyGone: true, complete: true });
      else report.errors.push({ step: 'inspect', error: asSdkError(error) });
      return null;
    }
  }

  /** Storage by policy, then the definition — only once every volume that was to go is gone. */
  async #removeAll(
    domain: DomainRef,
    model: DomainModel,
    budget: Budget,
    options: DestroyOptions,
    report: DestroyReport,
  ): Promise<DestroyReport> {
    const plan = planVolumes(model, options.storage ?? 'owned');
    report.volumesKept.push(...plan.keep);
    const call = (): CallOptions => budget.call(CALL_CAP_MS);
    if (!(await this.#volumes.delete(domain, plan.delete, call, report))) return this.#done(domain, report);
    const volumesFailed = report.errors.some((e) => e.step === 'delete-volume');
    if (!report.transient && !volumesFailed) {
      try {
        const result = await undefineDomain(this.#connection, domain, call());
        report.undefined = result.undefined;
        report.undefineFlags = result.flags;
      } catch (error) {
        report.errors.push({ step: 'undefine', error: asSdkError(error) });
      }
    }
    return this.#done(domain, report);
  }

  #done(domain: DomainRef, report: DestroyReport): DestroyReport {
    if (!report.alreadyGone) report.complete = report.errors.length === 0;
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
   * Finish a teardown that an earlier {@link VmDestroyer.destroy} left
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
   * @throws `InvalidArgumentError` when `report` is not a destroy report, or on bad options (nothing is sent)
   */
  async finish(report: DestroyReport, options: DestroyOptions = {}): Promise<DestroyReport> {
    const timeout = checkDestroyOptions(options);
    if (typeof report !== 'object' || report === null || !Array.isArray(report.errors) || typeof report.complete !== 'boolean') {
      throw new InvalidArgumentError('report must be a DestroyReport returned by destroy or finish', { path: 'report' });
    }
    const gone = { ...emptyReport(), domain: report.domain, transient: report.transient, alreadyGone: true, complete: true };
    if (report.complete || report.domain === null) return gone;
    const budget = new Budget(timeout, options.signal);
    let domain: DomainRef | undefined;
    try {
      domain = await this.#connection.domains.lookupByUuid(report.domain.uuid, budget.call(CALL_CAP_MS));
    } catch (error) {
      if (!isGone(error)) throw error;
    }
    if (domain !== undefined) return this.destroy(domain, { ...options, timeout: Math.max(1, budget.remaining()) });
    const left = Array.isArray(report.volumesLeft) ? report.volumesLeft : [];
    if (left.length === 0) return gone;
    const next: DestroyReport = { ...emptyReport(), domain: report.domain, transient: report.transient };
    // Not `alreadyGone`: the domain is, but some of its volumes were not.
    const self = { ...report.domain, id: -1 };
    return locksOf(this.#connection).run(vmKey(self), budget, async () => {
      if (await this.#volumes.delete(self, left, () => budget.call(CALL_CAP_MS), next)) next.complete = next.errors.length === 0;
      log(this.#logger, next.complete ? 'info' : 'warn', 'domain teardown finished from a report', {
        domain: self.name,
        complete: next.complete,
        deleted: next.volumesDeleted.length,
        errors: next.errors.length,
      });
      return next;
    });
  }

  /** Stop the VM if it is not shut off; `false` when it could not be stopped (nothing else is safe then). */
  async #stop(domain: DomainRef, budget: Budget, options: DestroyOptions, report: DestroyReport): Promise<boolean> {
    try {
      const outcome = await stopForTeardown(
        this.#connection,
        this.#stopper,
        domain,
        options.stop ?? 'graceful',
        options.shutdownTimeout ?? 60_000,
        budget,
      );
      report.stopped = outcome.stopped;
      report.stateBefore = outcome.before;
      return true;
    } catch (error) {
      // A transient domain vanishes when it stops; that is success.
      if (isGone(error)) {
        report.stopped = report.stopped === 'none' ? 'forced' : report.stopped;
        return true;
      }
      report.stopped = 'failed';
      report.errors.push({ step: 'stop', error: asSdkError(error) });
      return false;
    }
  }
}
