import { type CallOptions, type DomainRef, type DomainState, InvalidStateError, type LibvirtConnection } from '../connection/internal.js';
import { type Budget, CALL_CAP_MS } from '../runtime/index.js';

/** What the destroyer needs from the lifecycle module to stop a VM (structurally `VmLifecycleManager`). */
export interface StopOperations {
  shutdown(
    vm: DomainRef,
    options: CallOptions & { timeout?: number; onTimeout?: 'forceOff' | 'throw' },
  ): Promise<{ escalated?: boolean; changed?: boolean }>;
  forceOff(vm: DomainRef, options: CallOptions & { graceful?: boolean; preempt?: boolean }): Promise<unknown>;
  resume(vm: DomainRef, options: CallOptions): Promise<unknown>;
}

/**
 * How a teardown stops a VM found in `state`:
 * - `'none'`: it is shut off already;
 * - `'graceful'`: ask the guest (ACPI, re-sent), forced off after the shutdown timeout;
 * - `'resume-then-graceful'`: a VM the user paused cannot act on a shutdown
 *   request, so it is resumed first and then shut down gracefully — its disks
 *   are left as consistent as a running VM's would be;
 * - `'force'`: pull the plug. Asked for with `stop: 'force'`, and the only way
 *   out of states in which the guest cannot run its shutdown: crashed,
 *   pmsuspended, or paused for any reason other than the user's (an I/O error,
 *   a watchdog, a job such as a save or dump, paused at start-up before it ever
 *   ran) — resuming those would run a guest that is not fit to, or fight the job.
 */
export type StopPlan = 'none' | 'graceful' | 'resume-then-graceful' | 'force';

/**
 * Decide how to stop a VM for teardown. Pure.
 * @example stopPlan('graceful', { state: 'paused', reason: 'user' }) // 'resume-then-graceful'
 * @example stopPlan('graceful', { state: 'paused', reason: 'ioerror' }) // 'force'
 */
export function stopPlan(stop: 'graceful' | 'force', current: Pick<DomainState, 'state' | 'reason'>): StopPlan {
  const { state, reason } = current;
  if (state === 'shutoff') return 'none';
  if (stop === 'force') return 'force';
  switch (state) {
    case 'running':
    case 'blocked':
    case 'shutdown': // already shutting down: the lifecycle waits for it
      return 'graceful';
    case 'paused':
      return reason === 'user' ? 'resume-then-graceful' : 'force';
    default: // crashed, pmsuspended, nostate
      return 'force';
  }
}

/** How a teardown's stop went. */
export interface StopOutcomeDetail {
  stopped: 'was-stopped' | 'graceful' | 'escalated' | 'forced';
  /** The plan that ran. */
  plan: StopPlan;
  /** The VM's state when the teardown found it. */
  before: Pick<DomainState, 'state' | 'reason'>;
}

/** A state read and the action it chose can race another client (it pauses the VM in between): re-decide this often. */
const MAX_ATTEMPTS = 3;

/**
 * Stop `domain` for teardown, by {@link stopPlan}. When the VM's state changes
 * under us so that the chosen operation is refused (`InvalidStateError`), the
 * state is read again and the plan made again.
 *
 * @param budget the teardown's budget: each state read is bounded by it, the graceful shutdown by the rest of it
 * @throws whatever the lifecycle operation throws (a `DomainNotFoundError` when a transient VM vanished)
 */
export async function stopForTeardown(
  connection: LibvirtConnection,
  stopper: StopOperations,
  domain: DomainRef,
  stop: 'graceful' | 'force',
  shutdownTimeout: number,
  budget: Budget,
): Promise<StopOutcomeDetail> {
  for (let attempt = 1; ; attempt++) {
    const call = budget.call(CALL_CAP_MS);
    const current = await connection.domains.getState(domain, call);
    const before = { state: current.state, reason: current.reason };
    const plan = stopPlan(stop, before);
    try {
      switch (plan) {
        case 'none':
          return { stopped: 'was-stopped', plan, before };
        case 'force':
          // Pull the plug even while a graceful shutdown of this VM is still waiting.
          await stopper.forceOff(domain, { ...call, preempt: true });
          return { stopped: 'forced', plan, before };
        case 'resume-then-graceful':
        case 'graceful': {
          if (plan === 'resume-then-graceful') await stopper.resume(domain, call);
          // The graceful part gets at most what is left of the teardown's budget.
          const timeout = Math.max(1, Math.min(shutdownTimeout, budget.remaining()));
          const result = await stopper.shutdown(domain, {
            ...(budget.signal === undefined ? {} : { signal: budget.signal }),
            timeout,
            onTimeout: 'forceOff',
          });
          const stopped = result.escalated === true ? 'escalated' : result.changed === false ? 'was-stopped' : 'graceful';
          return { stopped, plan, before };
        }
      }
    } catch (error) {
      if (error instanceof InvalidStateError && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
  }
}
