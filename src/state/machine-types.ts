import type { DomainRef, DomainStateName } from '../connection/internal.js';
import type { VmCommand, VmCommandOptions } from './commands.js';
import { type Fact, OBSERVED_STATES, type ObservedState, type VmFactEvent } from './facts.js';

/**
 * Settles the caller of a command once the machine has settled (the registry
 * passes its promise's `resolve`/`reject`).
 * @example actor.send({ type: 'pause', reply: { resolve, reject } });
 * @see VmCommandEvent
 */
export interface CommandReply {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * A command sent to a VM actor: the lifecycle/destroyer options, and where to
 * deliver the result. `at` stamps `inFlight.since` (default: now).
 * @example actor.send({ type: 'shutdown', options: { timeout: 30_000 } });
 * @see VmCommand
 */
export type VmCommandEvent = {
  [C in VmCommand]: { type: C; options?: VmCommandOptions[C]; reply?: CommandReply; at?: number };
}[VmCommand];

/**
 * Every event the VM machine accepts: libvirt facts (past tense) and commands (imperative).
 * @example const events: VmMachineEvent[] = [{ type: 'libvirt.started', reason: 'booted' }, { type: 'pause' }];
 * @see VmFactEvent
 * @see VmCommandEvent
 */
export type VmMachineEvent = VmFactEvent | VmCommandEvent;

/**
 * The command a VM is busy with (`context.inFlight`).
 * @example actor.getSnapshot().context.inFlight // { command: 'shutdown', since: 1717000000000, … }
 * @see VmSnapshot
 */
export interface InFlight {
  command: VmCommand;
  /** `Date.now()` when it was accepted. */
  since: number;
  reply?: CommandReply | undefined;
  /** How the command ended; held until the machine has settled, then delivered to `reply`. */
  outcome?: { ok: true; value: unknown } | { ok: false; error: unknown };
}

/**
 * Context of a VM actor.
 * @example actor.getSnapshot().context.observed // 'running'
 * @see vmMachine
 */
export interface VmContext {
  domain: DomainRef;
  /** The last libvirt state the machine settled on (also the one shown while a command runs). */
  observed: ObservedState;
  reason: string;
  persistent: boolean;
  inFlight: InFlight | null;
  /** The latest libvirt fact seen while a command (or a re-read) was in flight, reconciled when it ends. */
  fact: Fact | null;
  /** A `stopped` held back during a reboot (see `rebootDebounce`). */
  held: Fact | null;
}

/**
 * How a VM actor starts: the state it was seeded with.
 * @example createActor(vmMachine, { input: { domain, state: 'running', reason: 'booted', persistent: true } });
 * @see vmMachine
 */
export interface VmMachineInput {
  domain: DomainRef;
  state: DomainStateName | ObservedState;
  reason?: string;
  /** @default true */
  persistent?: boolean;
}

/**
 * Input of every command effect: the VM and the caller's options.
 * @example fromPromise(({ input, signal }: { input: CommandInput<'start'>; signal: AbortSignal }) => lifecycle.start(input.domain, { ...input.options, signal }))
 * @see provideEffects
 */
export interface CommandInput<C extends VmCommand = VmCommand> {
  domain: DomainRef;
  options: VmCommandOptions[C] | undefined;
  /** The command (device commands share one effect, and so do disk-state commands). */
  command: C;
}

/**
 * Output of the `readState` effect: libvirt's state, or `'gone'` when the domain does not exist.
 * @example const r: StateReading = { state: 'shutoff', reason: 'destroyed' };
 * @see virDomainGetState
 */
export interface StateReading {
  state: DomainStateName | 'gone';
  reason: string;
}

/**
 * States in which a command (or the re-read that ends it) is in flight.
 * @example const s: TransitionalState = 'pausing';
 * @see VmStateName
 */
export type TransitionalState =
  | 'starting'
  | 'shuttingDown'
  | 'forcingOff'
  | 'rebooting'
  | 'resetting'
  | 'pausing'
  | 'resuming'
  | 'saving'
  | 'destroying'
  | 'reconfiguring'
  | 'changingDisks'
  | 'reading';

/**
 * The machine's top-level state names a snapshot can be in (`settling` is
 * transient and never observed).
 * @example const s: VmStateName = 'shuttingDown';
 * @see vmMachine
 */
export type VmStateName = ObservedState | TransitionalState;

/**
 * Every state a `VmSnapshot` can show, observed then transitional.
 * @example VM_STATE_NAMES.includes('pausing') // true
 * @see VmStateName
 * @see OBSERVED_STATES
 */
export const VM_STATE_NAMES: readonly VmStateName[] = [
  ...OBSERVED_STATES,
  ...([
    'starting',
    'shuttingDown',
    'forcingOff',
    'rebooting',
    'resetting',
    'pausing',
    'resuming',
    'saving',
    'destroying',
    'reconfiguring',
    'changingDisks',
    'reading',
  ] as const),
];

/**
 * The top-level state of a VM machine snapshot.
 * @example stateNameOf(actor.getSnapshot()) // 'rebooting' (also while a stop is held)
 * @throws never
 * @see VmStateName
 */
export function stateNameOf(snapshot: { value: unknown }): VmStateName {
  const value = snapshot.value;
  return (typeof value === 'string' ? value : Object.keys(value as object)[0]) as VmStateName;
}
