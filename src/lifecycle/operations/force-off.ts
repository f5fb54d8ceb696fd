import { type DomainState, VirDomainDestroyFlags } from '../../connection/internal.js';
import { VirErrorCode } from '../../errors/index.js';
import { GONE_STATE, type OperationRun, isGone, libvirtCode, log, readState, resultOf } from '../context.js';
import type { Budget } from '../../runtime/index.js';
import { verdict } from '../../runtime/index.js';
import { DEFAULT_FORCE_OFF_RETRIES, type CallOptions } from '../options.js';
import type { ConfirmedBy, ForceOffResult } from '../results.js';
import { type CompletionWaiter, withWaiter } from '../waiter.js';
import { STOPPED, raceRecovered, timeoutWithState } from './common.js';

/** Options of `forceOff`. */
export interface ForceOffOptions extends CallOptions {
  /**
   * Only send SIGTERM to the hypervisor process, letting it flush disk caches
   * (`VIR_DOMAIN_DESTROY_GRACEFUL`); libvirt reports an error instead of
   * escalating to SIGKILL if the process does not exit. Not a guest shutdown:
   * the guest OS is not asked anything.
   * @default false
   */
  graceful?: boolean;
  /** Retries when libvirt answers OPERATION_TIMEOUT or RESOURCE_BUSY (a process slow to die). @default 3 */
  retries?: number;
  /**
   * Do not queue behind operations already running or waiting on this VM
   * (they see the VM stop and settle). For teardown that must not wait out a
   * guest ignoring its shutdown request.
   * @default false
   */
  preempt?: boolean;
}

/** What a force-off did. */
export interface ForceOffOutcome {
  state: Pick<DomainState, 'state' | 'reason'>;
  confirmedBy: ConfirmedBy;
  attempts: number;
  noop?: string;
}

/** Pause between destroy retries: 0.5 s, 1 s, 1.5 s… */
export function destroyRetryDelay(attempt: number): number {
  return 500 * attempt;
}

/** `forceOff` under the VM's lock. */
export async function forceOff(run: OperationRun, options: ForceOffOptions): Promise<ForceOffResult> {
  let current: DomainState;
  try {
    current = await readState(run);
  } catch (error) {
    if (!isGone(error)) throw error;
    return {
      ...resultOf(run, GONE_STATE, { changed: false, confirmedBy: 'poll', noop: 'domain no longer exists' }),
      operation: 'forceOff',
      attempts: 0,
    };
  }
  const decision = verdict('forceOff', current.state);
  if (typeof decision === 'object' && 'noop' in decision) {
    return { ...resultOf(run, current, { changed: false, confirmedBy: 'poll', noop: decision.noop }), operation: 'forceOff', attempts: 0 };
  }
  const outcome = await withWaiter(run, ['domain.lifecycle'], (waiter) => forceOffWith(run, waiter, options, run.deadline));
  return {
    ...resultOf(run, outcome.state, { changed: outcome.noop === undefined, confirmedBy: outcome.confirmedBy, noop: outcome.noop }),
    operation: 'forceOff',
    attempts: outcome.attempts,
  };
}

/**
 * DOMAIN_DESTROY_FLAGS, then wait for `stopped`, within `deadline` (an
 * escalating shutdown brings a fresh one). Tolerates the domain being gone
 * (transient) or already shut off, and retries OPERATION_TIMEOUT /
 * RESOURCE_BUSY (Nova does the same).
 */
export async function forceOffWith(
  run: OperationRun,
  waiter: CompletionWaiter,
  options: ForceOffOptions,
  deadline: Budget,
): Promise<ForceOffOutcome> {
  const flags =
    options.graceful === true ? VirDomainDestroyFlags.VIR_DOMAIN_DESTROY_GRACEFUL : VirDomainDestroyFlags.VIR_DOMAIN_DESTROY_DEFAULT;
  const retries = options.retries ?? DEFAULT_FORCE_OFF_RETRIES;
  let attempts = 0;
  for (;;) {
    attempts++;
    try {
      await run.ctx.connection.domains.control.forceOff(run.ref, { ...deadline.call(), flags });
      break;
    } catch (error) {
      if (isGone(error)) return { state: GONE_STATE, confirmedBy: 'poll', attempts, noop: 'domain no longer exists' };
      const code = libvirtCode(error);
      if ((code === VirErrorCode.VIR_ERR_OPERATION_TIMEOUT || code === VirErrorCode.VIR_ERR_RESOURCE_BUSY) && attempts <= retries) {
        log(run.ctx.logger, 'warn', 'destroy did not complete; retrying', {
          domain: run.ref.name,
          attempt: attempts,
          error: String(error),
        });
        await deadline.sleep(destroyRetryDelay(attempts), 'waiting to retry the force-off');
        continue;
      }
      const raced = await raceRecovered(run, error, (s) => s.state === 'shutoff');
      if (raced !== null) return { state: raced, confirmedBy: 'poll', attempts, noop: 'already shut off' };
      throw error;
    }
  }
  const outcome = await waiter.wait(STOPPED, deadline.at, deadline);
  if (outcome === null) throw await timeoutWithState(run, 'waiting for libvirt to confirm the force-off', deadline);
  const state =
    outcome.state ??
    (await readState({ ...run, deadline }).catch((error: unknown) => {
      if (isGone(error)) return GONE_STATE;
      throw error;
    }));
  return { state, confirmedBy: outcome.confirmedBy, attempts };
}
