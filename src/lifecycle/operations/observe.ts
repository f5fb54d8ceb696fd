import type { DomainStateName } from '../../connection/index.js';
import { InvalidArgumentError } from '../../errors/index.js';
import { CALL_CAP_MS, type LifecycleContext, type OperationRun, type VmInput, resolveVm } from '../context.js';
import type { Deadline } from '../deadline.js';
import type { AutostartResult, StateObservation } from '../results.js';
import { withWaiter } from '../waiter.js';
import { timeoutWithState } from './common.js';

/** Every state name `waitForState` accepts. */
export const DOMAIN_STATE_NAMES: readonly DomainStateName[] = ['nostate', 'running', 'blocked', 'paused', 'shutdown', 'shutoff', 'crashed', 'pmsuspended'];

/** Check the target states of `waitForState`. */
export function checkStates(states: unknown): ReadonlySet<DomainStateName> {
  const list = Array.isArray(states) ? (states as unknown[]) : [states];
  if (list.length === 0) throw new InvalidArgumentError('state must name at least one state', { path: 'state' });
  for (const s of list) {
    if (typeof s !== 'string' || !(DOMAIN_STATE_NAMES as readonly string[]).includes(s)) {
      throw new InvalidArgumentError(`unknown state ${JSON.stringify(s)}; expected one of ${DOMAIN_STATE_NAMES.join(', ')}`, { path: 'state' });
    }
  }
  return new Set(list as DomainStateName[]);
}

/**
 * Wait until the VM is in one of `states`. Takes no lock (it changes
 * nothing): subscribes first, then reads the state, so a change between the
 * two is not missed. Every lifecycle event triggers a state read.
 */
export async function waitForState(ctx: LifecycleContext, vm: VmInput, states: ReadonlySet<DomainStateName>, deadline: Deadline): Promise<StateObservation> {
  deadline.check('before waitForState');
  const run: OperationRun = { ctx, operation: 'waitForState', ref: await resolveVm(ctx, vm, deadline), deadline };
  return withWaiter(run, ['domain.lifecycle'], async (waiter) => {
    const observed = (state: { state: DomainStateName; reason: string }, confirmedBy: 'event' | 'poll'): StateObservation => ({
      domain: { ...run.ref },
      state: state.state,
      reason: state.reason,
      confirmedBy,
      elapsedMs: deadline.elapsed(),
    });
    const now = await ctx.connection.domains.getState(run.ref, deadline.call(CALL_CAP_MS));
    if (states.has(now.state)) return observed(now, 'poll');
    const outcome = await waiter.wait({ onEvent: (e) => (e.type === 'domain.lifecycle' ? 'check' : 'ignore'), isDone: (s) => states.has(s.state) }, deadline.at);
    if (outcome === null || outcome.state === undefined) {
      throw await timeoutWithState(run, `waiting for state ${[...states].join(' or ')}`);
    }
    return observed(outcome.state, outcome.confirmedBy);
  });
}

/** `setAutostart` under the VM's lock; nothing is sent when the value is already set. */
export async function setAutostart(run: OperationRun, enabled: boolean): Promise<AutostartResult> {
  const domains = run.ctx.connection.domains;
  const before = await domains.getAutostart(run.ref, run.deadline.call(CALL_CAP_MS));
  if (before !== enabled) await domains.setAutostart(run.ref, enabled, run.deadline.call(CALL_CAP_MS));
  return { domain: { ...run.ref }, autostart: enabled, changed: before !== enabled };
}
