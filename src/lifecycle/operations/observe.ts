import type { DomainStateName } from '../../connection/internal.js';
import { InvalidArgumentError } from '../../errors/index.js';
import { CALL_CAP_MS, type LifecycleContext, type OperationRun, type VmInput, readStateOrRetry, resolveVm } from '../context.js';
import { pollUntil } from './poll-wait.js';
import type { Budget } from '../../runtime/index.js';
import type { AutostartResult, StateObservation } from '../results.js';

/** Every state name `waitForState` accepts. */
export const DOMAIN_STATE_NAMES: readonly DomainStateName[] = [
  'nostate',
  'running',
  'blocked',
  'paused',
  'shutdown',
  'shutoff',
  'crashed',
  'pmsuspended',
];

/** Check the target states of `waitForState`. */
export function checkStates(states: unknown): ReadonlySet<DomainStateName> {
  const list = Array.isArray(states) ? (states as unknown[]) : [states];
  if (list.length === 0) throw new InvalidArgumentError('state must name at least one state', { path: 'state' });
  for (const s of list) {
    if (typeof s !== 'string' || !(DOMAIN_STATE_NAMES as readonly string[]).includes(s)) {
      throw new InvalidArgumentError(`unknown state ${JSON.stringify(s)}; expected one of ${DOMAIN_STATE_NAMES.join(', ')}`, {
        path: 'state',
      });
    }
  }
  return new Set(list as DomainStateName[]);
}

/**
 * Wait until the VM is in one of `states`. Takes no lock (it changes
 * nothing): subscribes first, then reads the state, so a change between the
 * two is not missed; every lifecycle event (and every poll interval) triggers
 * a state read. The timeout names the state the VM was last seen in.
 */
export async function waitForState(
  ctx: LifecycleContext,
  vm: VmInput,
  states: ReadonlySet<DomainStateName>,
  budget: Budget,
): Promise<StateObservation> {
  budget.check('before waitForState');
  const ref = await resolveVm(ctx, vm, budget);
  let last = 'not read yet';
  return pollUntil(
    ctx,
    ref,
    ['domain.lifecycle'],
    ctx.pollInterval,
    budget,
    () => `waiting for state ${[...states].join(' or ')} for VM ${JSON.stringify(ref.name)}; it is ${last}`,
    async (trigger) => {
      const now = await readStateOrRetry(ctx, ref, budget, 'waiting for a state');
      if (now === null) return undefined;
      last = `${now.state} (${now.reason})`;
      if (!states.has(now.state)) return undefined;
      return {
        domain: { ...ref },
        state: now.state,
        reason: now.reason,
        confirmedBy: trigger === 'event' ? 'event' : 'poll',
        elapsedMs: budget.elapsed(),
      };
    },
  );
}

/** `setAutostart` under the VM's lock; nothing is sent when the value is already set. */
export async function setAutostart(run: OperationRun, enabled: boolean): Promise<AutostartResult> {
  const domains = run.ctx.connection.domains;
  const before = await domains.getAutostart(run.ref, run.deadline.call(CALL_CAP_MS));
  if (before !== enabled) await domains.setAutostart(run.ref, { ...run.deadline.call(CALL_CAP_MS), enabled });
  return { domain: { ...run.ref }, autostart: enabled, changed: before !== enabled };
}
