import { type DoneActorEvent, type ErrorActorEvent, assign, fromPromise, setup } from 'xstate';
import type { DomainRef } from '../connection/internal.js';
import { type DeviceCommand, type DiskStateCommand, type VmCommand, type VmCommandResults, commandAllowed } from './commands.js';
import { type Fact, type ObservedState, type VmFactEvent, factFromContext, factOf, observedOf, outcomeOf } from './facts.js';
import type { CommandInput, StateReading, VmCommandEvent, VmContext, VmMachineEvent, VmMachineInput } from './machine-types.js';

function effect<Output, Input>(name: string) {
  return fromPromise<Output, Input>(() =>
    Promise.reject(new Error(`vmMachine: effect '${name}' is not provided; use vmMachine.provide({ actors })`)),
  );
}

function withFact(context: VmContext, fact: Fact): Partial<VmContext> {
  return { observed: fact.observed, reason: fact.reason, persistent: fact.persistent, domain: { ...context.domain, id: fact.id } };
}

const output = (event: unknown): unknown => (event as DoneActorEvent).output;

/** libvirt facts while a command (or a re-read) is in flight: recorded, never acted on; resyncs are ignored. */
const WHILE_BUSY = {
  'libvirt.*': { actions: 'recordFact' },
  'libvirt.stateRead': {},
} as const;

/** A command effect finished: settle on its result unless a libvirt fact seen meanwhile disagrees (then re-read). */
const ON_DONE = [
  { guard: 'needsRead', target: 'reading', actions: 'recordDone' },
  { target: 'settling', actions: ['recordDone', 'applyOutcome'] },
] as const;

/** A command failed, timed out or was aborted: re-read the real state before settling. */
const ON_ERROR = { target: 'reading', actions: 'recordError' } as const;

const FACT = { 'libvirt.*': { target: 'settling', actions: 'applyFact' } } as const;
const commandInput = ({ context, event }: { context: VmContext; event: VmMachineEvent }) =>
  ({ domain: context.domain, options: (event as VmCommandEvent).options, command: (event as VmCommandEvent).type }) as CommandInput<never>;

/** A command's state: its effect runs (the actor `src`), facts meanwhile are recorded, and its end settles or re-reads. */
const commandState = <const S extends string>(src: S) =>
  ({ invoke: { id: src, src, input: commandInput, onDone: ON_DONE, onError: ON_ERROR }, on: WHILE_BUSY }) as const;

/** A command, when the one state table (`verdict`, through `commandAllowed`) lets it run from the observed state. */
const begin = <C extends VmCommand, T extends string>(command: C, target: T) =>
  ({ guard: { type: 'allowed', params: { command } }, target, actions: 'beginCommand' }) as const;

/**
 * What every observed state takes: libvirt facts, and each command the
 * table allows there (a no-op such as starting a running VM runs too, and
 * its result says so). The table, not this machine, decides what is allowed.
 */
const IDLE = {
  ...FACT,
  start: begin('start', 'starting'),
  shutdown: begin('shutdown', 'shuttingDown'),
  forceOff: begin('forceOff', 'forcingOff'),
  reboot: begin('reboot', 'rebooting'),
  reset: begin('reset', 'resetting'),
  pause: begin('pause', 'pausing'),
  resume: begin('resume', 'resuming'),
  managedSave: begin('managedSave', 'saving'),
  destroy: begin('destroy', 'destroying'),
  attachDisk: begin('attachDisk', 'reconfiguring'),
  detachDisk: begin('detachDisk', 'reconfiguring'),
  changeMedia: begin('changeMedia', 'reconfiguring'),
  attachNic: begin('attachNic', 'reconfiguring'),
  detachNic: begin('detachNic', 'reconfiguring'),
  resizeDisk: begin('resizeDisk', 'reconfiguring'),
  setMemory: begin('setMemory', 'reconfiguring'),
  setVcpus: begin('setVcpus', 'reconfiguring'),
  createSnapshot: begin('createSnapshot', 'changingDisks'),
  revertSnapshot: begin('revertSnapshot', 'changingDisks'),
  deleteSnapshot: begin('deleteSnapshot', 'changingDisks'),
  blockCopy: begin('blockCopy', 'changingDisks'),
  blockCommit: begin('blockCommit', 'changingDisks'),
  blockPull: begin('blockPull', 'changingDisks'),
  backup: begin('backup', 'changingDisks'),
} as const;

/**
 * One VM, as an XState machine: the single source of truth for its state,
 * which commands are allowed now, and what is in flight (docs/lifecycle.md,
 * "The VM state machine", draws it).
 *
 * - **Observed states** mirror libvirt: `shutoff`, `running`, `blocked`,
 *   `paused`, `pmsuspended`, `crashed`, and `gone` (final).
 * - **Transitional states** run one command each as a named `fromPromise`
 *   effect (`startVm`, `shutdownVm`, … `destroyVm`) whose `signal` aborts when
 *   the state is left: `starting`, `shuttingDown`, `forcingOff`, `rebooting`,
 *   `resetting`, `pausing`, `resuming`, `saving`, `destroying`, and
 *   `reconfiguring` for every device command (`changeDevices`),
 *   `changingDisks` for every disk-state command (`changeDiskState`). `reading`
 *   re-reads the real state (`readState`) after a command failed, timed out or
 *   was aborted, or when a libvirt fact seen meanwhile contradicts its result.
 * - **libvirt facts** arrive as past-tense events (`libvirt.started`, …,
 *   `libvirt.stateRead`); in an observed state they move the machine, while a
 *   command runs they are recorded and reconciled when it ends.
 * - While `rebooting`, a `libvirt.stopped` is held for `rebootDebounce` ms and
 *   dropped if `libvirt.started` follows (hypervisors without REBOOT events).
 *
 * The machine does no I/O: `VmRegistry` provides the effects and delays with
 * `vmMachine.provide({ actors, delays })`; tests provide fakes.
 *
 * @example
 * const actor = createActor(vmMachine.provide({ actors: { startVm: fromPromise(async ({ input }) => lifecycle.start(input.domain)) } }), {
 *   input: { domain, state: 'shutoff' },
 * }).start();
 * actor.getSnapshot().can({ type: 'start' }); // true
 * @throws never (effects that are not provided reject, and the machine re-reads)
 * @see VmRegistry
 */
export const vmMachine = setup({
  types: {
    context: {} as VmContext,
    events: {} as VmMachineEvent,
    input: {} as VmMachineInput,
  },
  actors: {
    startVm: effect<VmCommandResults['start'], CommandInput<'start'>>('startVm'),
    shutdownVm: effect<VmCommandResults['shutdown'], CommandInput<'shutdown'>>('shutdownVm'),
    forceOffVm: effect<VmCommandResults['forceOff'], CommandInput<'forceOff'>>('forceOffVm'),
    rebootVm: effect<VmCommandResults['reboot'], CommandInput<'reboot'>>('rebootVm'),
    resetVm: effect<VmCommandResults['reset'], CommandInput<'reset'>>('resetVm'),
    pauseVm: effect<VmCommandResults['pause'], CommandInput<'pause'>>('pauseVm'),
    resumeVm: effect<VmCommandResults['resume'], CommandInput<'resume'>>('resumeVm'),
    saveVm: effect<VmCommandResults['managedSave'], CommandInput<'managedSave'>>('saveVm'),
    destroyVm: effect<VmCommandResults['destroy'], CommandInput<'destroy'>>('destroyVm'),
    changeDevices: effect<VmCommandResults[DeviceCommand], CommandInput<DeviceCommand>>('changeDevices'),
    changeDiskState: effect<VmCommandResults[DiskStateCommand], CommandInput<DiskStateCommand>>('changeDiskState'),
    readState: effect<StateReading, { domain: DomainRef }>('readState'),
  },
  delays: {
    /** How long a `stopped` is held back while rebooting. */
    rebootDebounce: 2000,
    /** Longest re-read before settling on the last known state. */
    readTimeout: 30_000,
  },
  guards: {
    is: ({ context }, params: { state: ObservedState }) => context.observed === params.state,
    allowed: ({ context }, params: { command: VmCommand }) =>
      context.observed !== 'gone' && commandAllowed(params.command, context.observed),
    needsRead: ({ context, event }) => {
      const outcome = outcomeOf(output(event));
      return outcome === null || (context.fact !== null && context.fact.observed !== outcome.observed);
    },
  },
  actions: {
    applyFact: assign(({ context, event }) => ({
      ...withFact(context, factOf(factFromContext(context), event as VmFactEvent)),
      fact: null,
    })),
    recordFact: assign({ fact: ({ context, event }) => factOf(context.fact ?? factFromContext(context), event as VmFactEvent) }),
    holdStop: assign({ held: ({ context, event }) => factOf(context.fact ?? factFromContext(context), event as VmFactEvent) }),
    dropHeld: assign({ held: null }),
    releaseHeld: assign({ fact: ({ context }) => context.held ?? context.fact, held: null }),
    beginCommand: assign({
      inFlight: ({ event }) => {
        const command = event as VmCommandEvent;
        return { command: command.type, since: command.at ?? Date.now(), reply: command.reply };
      },
      fact: null,
      held: null,
    }),
    recordDone: assign({
      inFlight: ({ context, event }) => context.inFlight && { ...context.inFlight, outcome: { ok: true as const, value: output(event) } },
      held: null,
    }),
    recordError: assign({
      inFlight: ({ context, event }) =>
        context.inFlight && { ...context.inFlight, outcome: { ok: false as const, error: (event as unknown as ErrorActorEvent).error } },
      held: null,
    }),
    applyOutcome: assign(({ context, event }) => {
      const outcome = outcomeOf(output(event));
      if (outcome === null) return {};
      const persistent = context.fact?.persistent ?? context.persistent;
      return { ...withFact(context, { ...outcome, persistent }), fact: null };
    }),
    applyRead: assign(({ context, event }) => {
      const reading = output(event) as StateReading;
      return {
        ...withFact(context, factOf(context.fact ?? factFromContext(context), { type: 'libvirt.stateRead', ...reading })),
        fact: null,
      };
    }),
    applyPendingFact: assign(({ context }) => (context.fact === null ? {} : { ...withFact(context, context.fact), fact: null })),
    reply: ({ context }) => {
      const { reply, outcome } = context.inFlight ?? {};
      if (reply === undefined || outcome === undefined) return;
      if (outcome.ok) reply.resolve(outcome.value);
      else reply.reject(outcome.error);
    },
    clearCommand: assign({ inFlight: null, fact: null, held: null }),
  },
}).createMachine({
  id: 'vm',
  context: ({ input }) => ({
    domain: { name: input.domain.name, uuid: input.domain.uuid, id: input.domain.id },
    observed: observedOf(input.state),
    reason: input.reason ?? 'unknown',
    persistent: input.persistent ?? true,
    inFlight: null,
    fact: null,
    held: null,
  }),
  initial: 'settling',
  states: {
    // Transient: deliver a finished command's result, then go where the context says.
    settling: {
      entry: ['reply', 'clearCommand'],
      always: [
        { guard: { type: 'is', params: { state: 'gone' } }, target: 'gone' },
        { guard: { type: 'is', params: { state: 'running' } }, target: 'running' },
        { guard: { type: 'is', params: { state: 'blocked' } }, target: 'blocked' },
        { guard: { type: 'is', params: { state: 'paused' } }, target: 'paused' },
        { guard: { type: 'is', params: { state: 'pmsuspended' } }, target: 'pmsuspended' },
        { guard: { type: 'is', params: { state: 'crashed' } }, target: 'crashed' },
        { target: 'shutoff' },
      ],
    },
    shutoff: { on: IDLE },
    running: { on: IDLE },
    blocked: { on: IDLE },
    paused: { on: IDLE },
    pmsuspended: { on: IDLE },
    crashed: { on: IDLE },
    starting: commandState('startVm'),
    shuttingDown: commandState('shutdownVm'),
    forcingOff: commandState('forceOffVm'),
    rebooting: {
      ...commandState('rebootVm'),
      initial: 'waiting',
      states: {
        waiting: { on: { 'libvirt.stopped': { target: 'stopHeld', actions: 'holdStop' } } },
        stopHeld: {
          on: { 'libvirt.started': { target: 'waiting', actions: 'dropHeld' }, 'libvirt.stopped': {} },
          after: { rebootDebounce: { target: 'waiting', actions: 'releaseHeld' } },
        },
      },
    },
    resetting: commandState('resetVm'),
    pausing: commandState('pauseVm'),
    resuming: commandState('resumeVm'),
    saving: commandState('saveVm'),
    destroying: commandState('destroyVm'),
    // A device command: the VM's power state does not change; it is re-read when the command ends.
    reconfiguring: commandState('changeDevices'),
    // A disk-state command (snapshot, block job, backup): a revert may change the power state; it is re-read when the command ends.
    changingDisks: commandState('changeDiskState'),
    reading: {
      invoke: {
        id: 'readState',
        src: 'readState',
        input: ({ context }) => ({ domain: context.domain }),
        onDone: { target: 'settling', actions: 'applyRead' },
        onError: { target: 'settling', actions: 'applyPendingFact' },
      },
      after: { readTimeout: { target: 'settling', actions: 'applyPendingFact' } },
      on: WHILE_BUSY,
    },
    gone: { type: 'final' },
  },
});
