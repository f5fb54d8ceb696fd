import type { DomainRef, DomainStateName } from '../connection/internal.js';
import type { DestroyReport } from '../destroyer/internal.js';
import type { LifecycleResult } from '../lifecycle/internal.js';

/**
 * Where a VM is, as libvirt reports it: the machine's observed states
 * (adjectives mirroring `virDomainState`), plus `gone` once it no longer
 * exists.
 * @example const s: ObservedState = 'paused';
 * @see virDomainGetState
 */
export type ObservedState = 'shutoff' | 'running' | 'blocked' | 'paused' | 'pmsuspended' | 'crashed' | 'gone';

/**
 * Every observed state, in the order the docs list them.
 * @example OBSERVED_STATES.includes('crashed') // true
 * @see ObservedState
 */
export const OBSERVED_STATES: readonly ObservedState[] = ['shutoff', 'running', 'blocked', 'paused', 'pmsuspended', 'crashed', 'gone'];

/**
 * libvirt facts, in the past tense, as the machine receives them. `reason`
 * is libvirt's reason name within the new state (`'booted'`, `'destroyed'`,
 * `'user'`…); `libvirt.stateRead` is the answer of a state read (a resync).
 * @example const e: VmFactEvent = { type: 'libvirt.stopped', reason: 'destroyed' };
 * @see virConnectDomainEventRegisterAny
 */
export type VmFactEvent =
  | { type: 'libvirt.started'; reason?: string; id?: number }
  | { type: 'libvirt.stopped'; reason?: string }
  | { type: 'libvirt.suspended'; reason?: string }
  | { type: 'libvirt.resumed'; reason?: string }
  | { type: 'libvirt.pmsuspended'; reason?: string }
  | { type: 'libvirt.crashed'; reason?: string }
  | { type: 'libvirt.rebooted' }
  | { type: 'libvirt.defined'; reason?: string }
  | { type: 'libvirt.undefined'; reason?: string }
  | {
      type: 'libvirt.stateRead';
      /** libvirt's state, or `'gone'` when the domain no longer exists. */
      state: DomainStateName | ObservedState;
      reason: string;
      id?: number;
      persistent?: boolean;
    };

/**
 * What the machine believes about the VM: state, reason, persistence and id.
 * @example const f: Fact = { observed: 'running', reason: 'booted', persistent: true, id: 7 };
 * @see factOf
 */
export interface Fact {
  observed: ObservedState;
  reason: string;
  persistent: boolean;
  id: number;
}

/**
 * Map libvirt's state to an observed state. libvirt's short-lived `shutdown`
 * state (the guest is shutting down) and `nostate` are active domains and
 * read as `running`; their libvirt reason is kept.
 * @example observedOf('shutdown') // 'running'
 * @throws never
 * @see virDomainState
 */
export function observedOf(state: DomainStateName | ObservedState): ObservedState {
  switch (state) {
    case 'nostate':
    case 'shutdown':
      return 'running';
    default:
      return state;
  }
}

/**
 * `true` while the domain has a running (or paused…) hypervisor process.
 * @example isActive('paused') // true; isActive('shutoff') // false
 * @throws never
 * @see virDomainIsActive
 */
export function isActive(state: ObservedState): boolean {
  return state !== 'shutoff' && state !== 'gone';
}

/**
 * The fact a libvirt event establishes, given what was known before.
 * - `stopped` ends a transient domain: it is `gone`;
 * - `undefined` of an active domain makes it transient (it runs on) — of an
 *   inactive one, removes it; a rename (`undefined`/`defined` with reason
 *   `renamed`) keeps the VM (the registry follows the new name);
 * - `rebooted` changes nothing (the guest stays up); `defined` only marks it persistent.
 * @example factOf(running, { type: 'libvirt.stopped', reason: 'destroyed' }) // { observed: 'shutoff', reason: 'destroyed', … }
 * @throws never
 * @see virDomainEventType
 */
export function factOf(current: Fact, event: VmFactEvent): Fact {
  switch (event.type) {
    case 'libvirt.started':
      return { ...current, observed: 'running', reason: event.reason ?? 'booted', id: event.id ?? current.id };
    case 'libvirt.resumed':
      return { ...current, observed: 'running', reason: event.reason ?? 'unpaused' };
    case 'libvirt.suspended':
      return { ...current, observed: 'paused', reason: event.reason ?? 'user' };
    case 'libvirt.pmsuspended':
      return { ...current, observed: 'pmsuspended', reason: event.reason ?? 'unknown' };
    case 'libvirt.crashed':
      return { ...current, observed: 'crashed', reason: event.reason ?? 'unknown' };
    case 'libvirt.rebooted':
      // A reboot keeps the domain active; on an inactive one the event is stale.
      return current;
    case 'libvirt.stopped':
      if (!current.persistent) return { ...current, observed: 'gone', reason: event.reason ?? 'unknown', id: -1 };
      return { ...current, observed: 'shutoff', reason: event.reason ?? 'unknown', id: -1 };
    case 'libvirt.defined':
      return { ...current, persistent: true };
    case 'libvirt.undefined':
      if (event.reason === 'renamed') return current;
      if (isActive(current.observed)) return { ...current, persistent: false };
      return { ...current, observed: 'gone', reason: event.reason ?? 'removed' };
    case 'libvirt.stateRead': {
      const observed = observedOf(event.state);
      return {
        observed,
        reason: event.reason,
        persistent: event.persistent ?? current.persistent,
        id: event.id ?? (isActive(observed) ? current.id : -1),
      };
    }
  }
}

/**
 * The state a command's result leaves the VM in, or `null` when the result
 * does not say (a teardown that did not finish): the machine then re-reads.
 * A lifecycle result with reason `'gone'` is a transient domain that no
 * longer exists.
 * @example outcomeOf(shutdownResult) // { observed: 'shutoff', reason: 'shutdown', id: -1 }
 * @throws never
 * @see LifecycleResult
 * @see DestroyReport
 */
export function outcomeOf(output: unknown): Pick<Fact, 'observed' | 'reason' | 'id'> | null {
  if (typeof output !== 'object' || output === null) return null;
  // A device result: the power state did not change; the machine re-reads it.
  if ('change' in output) return null;
  if ('operation' in output) {
    const result = output as LifecycleResult;
    if (result.reason === 'gone') return { observed: 'gone', reason: 'gone', id: -1 };
    return { observed: observedOf(result.state), reason: result.reason, id: result.domain.id };
  }
  const report = output as DestroyReport;
  if (report.alreadyGone || report.undefined || (report.transient && report.complete)) {
    return { observed: 'gone', reason: report.alreadyGone ? 'gone' : 'removed', id: -1 };
  }
  return null;
}

/**
 * The fact the machine's context holds.
 * @example factFromContext(actor.getSnapshot().context) // { observed: 'running', reason: 'booted', persistent: true, id: 7 }
 * @throws never
 * @see Fact
 */
export function factFromContext(context: { observed: ObservedState; reason: string; persistent: boolean; domain: DomainRef }): Fact {
  return { observed: context.observed, reason: context.reason, persistent: context.persistent, id: context.domain.id };
}
