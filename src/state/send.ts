import {
  type DomainRef,
  DomainNotFoundError,
  InvalidArgumentError,
  InvalidStateError,
  type LibvirtConnection,
} from '../connection/internal.js';
import type { DestroyOptions, DestroyReport } from '../destroyer/internal.js';
import { checkDestroyOptions } from '../destroyer/internal.js';
import { checkLifecycleOptions } from '../lifecycle/internal.js';
import { Budget, DEFAULT_TIMEOUTS, type VmInput, type VmLocks, checkVmInput, vmKey, waitUntil } from '../runtime/index.js';
import {
  COMMAND_OPERATION,
  type VmCommand,
  type VmCommandOptions,
  type VmCommandResults,
  isDeviceCommand,
  isDiskStateCommand,
  isVmCommand,
  refusalHint,
} from './commands.js';
import { checkDeviceRequest } from '../devices/internal.js';
import { checkDiskStateRequest } from '../disk-state/internal.js';
import type { VmCommandEvent } from './machine-types.js';
import { type Entry, type Tracker, isIdle } from './tracker.js';

/**
 * The `queue` option of every command, whether sent with `VmRegistry.send`
 * or through a `LibvirtManager` method (`startVm`, `attachDisk`, …): what
 * to do when another operation already runs on the VM.
 * @example await manager.startVm('web1', { queue: false }); // InvalidStateError if anything runs on web1 now
 * @see SendOptions
 */
export interface QueueOption {
  /**
   * When another operation runs on the VM — a command, or a lifecycle or
   * teardown call made directly: `true` waits its turn in the VM's one queue
   * (FIFO with every other operation on it), bounded by `timeout` and
   * `signal`, then runs if the command is allowed in the state the VM settled
   * in; `false` refuses at once with `InvalidStateError` naming what runs.
   * @default true
   */
  queue?: boolean;
}

/**
 * Options of `VmRegistry.send`: the command's own options plus `queue`.
 * @example const o: SendOptions<'shutdown'> = { timeout: 30_000, onTimeout: 'forceOff', queue: false };
 * @see VmCommandOptions
 */
export type SendOptions<C extends VmCommand> = VmCommandOptions[C] & QueueOption;

/**
 * What running a command needs from the registry.
 * @example sendCommand({ tracker, connection, locks, running: () => true, notRunning, destroy }, 'web1', 'pause')
 * @see sendCommand
 */
export interface CommandContext {
  tracker: Tracker;
  connection: Pick<LibvirtConnection, 'domains'>;
  /** The connection's per-VM queue. */
  locks: VmLocks;
  /** Whether the registry is running now. */
  running(): boolean;
  /** The error for a registry that is not running. */
  notRunning(what: string): Error;
  /** The destroyer's teardown, for a VM that no longer exists (it reports it gone, as the destroyer itself does). */
  destroy(vm: VmInput, options: DestroyOptions): Promise<DestroyReport>;
  /** Aborts when the registry stops: commands still waiting for their turn give up with `AbortError`. */
  stopped: AbortSignal;
}

/**
 * The command path of `VmRegistry.send`: options checked first; the VM's
 * turn in its one queue (the same queue lifecycle and teardown calls wait
 * in); then the machine's guard — the one state table — and the command event,
 * with a reply that settles once the machine has settled.
 *
 * @example const result = await sendCommand(ctx, 'web1', 'shutdown', { timeout: 30_000 });
 * @throws {@link InvalidStateError} when the state does not allow it, or another operation runs (with `queue: false`)
 * @throws {@link InvalidArgumentError} · {@link DomainNotFoundError} · {@link TimeoutError}/{@link AbortError} while waiting
 * @throws whatever the lifecycle/destroyer method throws
 * @see VmRegistry.send
 */
export async function sendCommand<C extends VmCommand>(
  ctx: CommandContext,
  vm: VmInput,
  command: C,
  options?: SendOptions<C>,
): Promise<VmCommandResults[C]> {
  if (!isVmCommand(command)) throw new InvalidArgumentError(`unknown command ${JSON.stringify(command)}`, { path: 'command' });
  if (options !== undefined && (typeof options !== 'object' || options === null))
    throw new InvalidArgumentError('options must be an object', { path: 'options' });
  const { queue, ...rest } = options ?? ({} as SendOptions<C>);
  if (queue !== undefined && typeof queue !== 'boolean') throw new InvalidArgumentError('queue must be a boolean', { path: 'queue' });
  const operation = COMMAND_OPERATION[command];
  checkVmInput(vm);
  // The command's own options are checked here too, so a bad one is refused before a VM the registry does not track is looked up.
  if (operation === 'destroy') checkDestroyOptions(rest);
  else if (isDeviceCommand(command)) checkDeviceRequest(command, rest);
  else if (isDiskStateCommand(command)) checkDiskStateRequest(command, rest);
  else checkLifecycleOptions(operation, rest);
  const timeout = Budget.of(rest, DEFAULT_TIMEOUTS[operation]).timeout;
  if (!ctx.running()) throw ctx.notRunning(command);
  // The caller's signal, and the registry stopping: either ends a wait for the VM's turn.
  const budget = new Budget(timeout, rest.signal === undefined ? ctx.stopped : AbortSignal.any([rest.signal, ctx.stopped]));
  let entry: Entry;
  try {
    entry = ctx.tracker.find(vm) ?? (await lookup(ctx, vm, budget));
  } catch (error) {
    // Tearing down a VM that no longer exists reports it gone, whatever the entry point.
    if (error instanceof DomainNotFoundError && command === 'destroy')
      return (await ctx.destroy(vm, rest as DestroyOptions)) as VmCommandResults[C];
    throw error;
  }
  const key = vmKey(entry.view.domain);
  const name = JSON.stringify(entry.name);
  if (queue === false && (ctx.locks.users(key) > 0 || !isIdle(entry.view.state))) {
    const { state, inFlight } = entry.view;
    const busy =
      inFlight === null
        ? 'another operation runs on it'
        : `${inFlight.command} is in flight since ${new Date(inFlight.since).toISOString()}`;
    throw new InvalidStateError(command, state, `cannot ${command} VM ${name}: ${busy} (omit { queue: false } to wait for it)`);
  }
  return ctx.locks.run(key, budget, async () => {
    await untilSettled(ctx, entry, budget, command);
    budget.check(`waiting for VM ${name}'s turn before ${command}`);
    const { state } = entry.view;
    if (state === 'gone') {
      if (command === 'destroy') return (await ctx.destroy(entry.view.domain, rest as DestroyOptions)) as VmCommandResults[C];
      throw new InvalidStateError(command, state, `cannot ${command} VM ${name}: it no longer exists`);
    }
    if (!entry.actor.getSnapshot().can({ type: command } as VmCommandEvent)) {
      throw new InvalidStateError(command, state, `cannot ${command} VM ${name}: it is ${state} (${refusalHint(command, state)})`);
    }
    // The command gets what is left of the caller's budget after its wait.
    const commandOptions = (
      rest.timeout === undefined && budget.elapsed() < 5 ? rest : { ...rest, timeout: Math.max(1, budget.remaining()) }
    ) as VmCommandOptions[C];
    return new Promise<VmCommandResults[C]>((resolve, reject) => {
      const reply = { resolve: resolve as (value: unknown) => void, reject };
      ctx.tracker.send(entry, { type: command, options: commandOptions, reply, at: Date.now() } as VmCommandEvent, { cause: 'command' });
    });
  });
}

/** Wait (within the budget) until the machine is in an observed state or gone: a re-read after a failed command may still run. */
async function untilSettled(ctx: CommandContext, entry: Entry, budget: Budget, command: VmCommand): Promise<void> {
  const settled = (): true | undefined => (isIdle(entry.view.state) || entry.view.state === 'gone' ? true : undefined);
  if (settled()) return;
  await waitUntil({
    budget,
    what: () => `waiting for VM ${JSON.stringify(entry.name)} to settle before ${command} (it is ${entry.view.state})`,
    probe: settled,
    subscribe: (wake) => ctx.tracker.feed.listen(() => wake()),
  });
}

/**
 * The registry's entry for `vm`; a VM it has not seen yet (defined a moment
 * ago, its event not in yet) is read from libvirt and tracked.
 * @example const entry = await trackVm(ctx, 'web1', Budget.of({ timeout: 5000 }, 60_000));
 * @throws {@link InvalidArgumentError} for a bad `vm` · {@link DomainNotFoundError} · {@link TimeoutError} · {@link AbortError}
 * @see VmRegistry.track
 */
export async function trackVm(ctx: CommandContext, vm: VmInput, budget: Budget): Promise<Entry> {
  checkVmInput(vm);
  if (!ctx.running()) throw ctx.notRunning('track');
  return ctx.tracker.find(vm) ?? (await lookup(ctx, vm, budget));
}

/** A VM the registry has not seen (defined a moment ago, its event not yet in): read it and track it. */
async function lookup(ctx: CommandContext, vm: VmInput, budget: Budget): Promise<Entry> {
  const domains = ctx.connection.domains;
  const ref: DomainRef = typeof vm === 'string' ? await domains.lookup(vm, budget.call()) : vm;
  const [state, persistent] = await Promise.all([domains.getState(ref, budget.call()), domains.isPersistent(ref, budget.call())]);
  return ctx.tracker.find(ref) ?? ctx.tracker.track(ref, state.state, state.reason, persistent, { cause: 'lookup' });
}
