import type { SnapshotFrom } from 'xstate';
import { VM_COMMANDS, type VmCommand } from './commands.js';
import type { VmFactEvent } from './facts.js';
import { type VmStateName, stateNameOf } from './machine-types.js';
import type { vmMachine } from './vm-machine.js';

/**
 * What the registry knows about one VM, frozen: its libvirt identity, the
 * machine's state (observed or transitional), libvirt's reason, the command
 * in flight and the commands allowed now.
 * @example
 * const vm = registry.get('web1');
 * if (vm?.allowed.includes('pause')) await registry.send('web1', 'pause');
 * @see VmRegistry.get
 */
export interface VmSnapshot {
  readonly domain: { readonly name: string; readonly uuid: string; readonly id: number };
  /** `'running'`, `'shuttingDown'`, `'gone'`… (see docs/lifecycle.md, "The VM state machine"). */
  readonly state: VmStateName;
  /** libvirt's reason within the last observed state (`'booted'`, `'destroyed'`, `'user'`…). */
  readonly reason: string;
  /** The command running on this VM, or `null`. `since` is `Date.now()` when it was accepted. */
  readonly inFlight: { readonly command: VmCommand; readonly since: number } | null;
  /** Commands the machine accepts now (empty while a command is in flight). */
  readonly allowed: readonly VmCommand[];
  /** `Date.now()` of the last change of state, reason or command. */
  readonly updatedAt: number;
}

/**
 * What caused a change:
 * - `'seed'`: the registry started tracking the VM when it started;
 * - `'event'`: a libvirt event (`event` names the fact);
 * - `'resync'`: a state read after a reconnect, an overflow or the periodic timer;
 * - `'command'`: a command was accepted;
 * - `'machine'`: the machine moved on its own (a command ended, a re-read answered, a held stop was released);
 * - `'lookup'`: a command named a VM the registry had not seen yet, so it was read.
 * @example if (change.cause === 'resync') console.warn('an event was missed for', change.current.domain.name);
 * @see VmChange
 */
export type VmChangeCause = 'seed' | 'event' | 'resync' | 'command' | 'machine' | 'lookup';

/**
 * One change of a VM's state, reason or command in flight.
 * @example
 * for await (const c of registry.changes()) console.log(c.current.domain.name, c.previous?.state, '→', c.current.state);
 * @see VmRegistry.changes
 */
export interface VmChange {
  /** `null` when the registry just started tracking the VM. */
  readonly previous: VmSnapshot | null;
  /** After the change; `state: 'gone'` once the VM no longer exists (the registry then forgets it). */
  readonly current: VmSnapshot;
  readonly cause: VmChangeCause;
  /** The libvirt fact, with `cause: 'event'`. */
  readonly event?: VmFactEvent['type'];
  /**
   * With `cause: 'event'`: `performance.now()` when the registry took the
   * event from its subscription (for latency measurements).
   */
  readonly receivedAt?: number;
}

const NONE: readonly VmCommand[] = Object.freeze([]);
const allowedByState = new Map<string, readonly VmCommand[]>();

/**
 * Commands allowed in `snapshot`'s state. The command guards read only the
 * observed state (the one state table, `verdict`), so the answer depends on
 * the state alone and is computed once per state (a shared frozen array:
 * 1,000 VMs cost nothing here).
 * @example allowedIn(actor.getSnapshot()) // ['shutdown', 'forceOff', 'reboot', …]
 * @throws never
 * @see vmMachine
 */
export function allowedIn(snapshot: SnapshotFrom<typeof vmMachine>): readonly VmCommand[] {
  if (snapshot.status !== 'active') return NONE;
  const state = stateNameOf(snapshot);
  let allowed = allowedByState.get(state);
  if (allowed === undefined) {
    allowed = Object.freeze(VM_COMMANDS.filter((type) => snapshot.can({ type })));
    allowedByState.set(state, allowed);
  }
  return allowed;
}

/**
 * The public, frozen view of a machine snapshot.
 * @example const view = toVmSnapshot(actor.getSnapshot(), 'web1', Date.now());
 * @throws never
 * @see VmSnapshot
 */
export function toVmSnapshot(snapshot: SnapshotFrom<typeof vmMachine>, name: string, updatedAt: number): VmSnapshot {
  const { domain, reason, inFlight } = snapshot.context;
  return Object.freeze({
    domain: Object.freeze({ name, uuid: domain.uuid, id: domain.id }),
    state: snapshot.status === 'done' ? 'gone' : stateNameOf(snapshot),
    reason,
    inFlight: inFlight === null ? null : Object.freeze({ command: inFlight.command, since: inFlight.since }),
    allowed: allowedIn(snapshot),
    updatedAt,
  });
}
