import { type SnapshotFrom, createActor, getNextSnapshot } from 'xstate';
import type { DomainRef, DomainStateName } from '../../../src/connection/internal.js';
import { type DestroyReport, emptyReport } from '../../../src/destroyer/internal.js';
import type { LifecycleResult } from '../../../src/lifecycle/internal.js';
import { type ObservedState, type VmMachineEvent, stateNameOf, vmMachine } from '../../../src/state/internal.js';

export type Snap = SnapshotFrom<typeof vmMachine>;

export const DOMAIN: DomainRef = { name: 'web1', uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f', id: 7 };

/** A snapshot of a VM machine seeded in `state` (no actor runs: pure). */
export function seeded(state: DomainStateName | ObservedState, extra: { reason?: string; persistent?: boolean } = {}): Snap {
  // createActor only computes the initial snapshot here; it is never started.
  return createActor(vmMachine, { input: { domain: DOMAIN, state, ...extra } }).getSnapshot();
}

/** Apply events one after another with getNextSnapshot. */
export function next(snapshot: Snap, ...events: (VmMachineEvent | { type: string; [k: string]: unknown })[]): Snap {
  let s = snapshot;
  for (const event of events) s = getNextSnapshot(vmMachine, s, event as VmMachineEvent);
  return s;
}

/** The top-level state name. */
export function at(snapshot: Snap): string {
  return snapshot.status === 'done' ? 'gone' : stateNameOf(snapshot);
}

/** The done event of a command effect. */
export function done(src: string, output: unknown): { type: string; output: unknown } {
  return { type: `xstate.done.actor.${src}`, output };
}

/** The error event of an effect. */
export function failed(src: string, error: unknown): { type: string; error: unknown } {
  return { type: `xstate.error.actor.${src}`, error };
}

/** A lifecycle result in `state`. */
export function result(operation: LifecycleResult['operation'], state: DomainStateName, reason: string, id = DOMAIN.id): LifecycleResult {
  return { operation, domain: { ...DOMAIN, id }, state, reason, changed: true, confirmedBy: 'event', elapsedMs: 1 };
}

/** A teardown report. */
export function report(fields: Partial<DestroyReport>): DestroyReport {
  return { ...emptyReport(), domain: { name: DOMAIN.name, uuid: DOMAIN.uuid }, stopped: 'was-stopped', ...fields };
}
