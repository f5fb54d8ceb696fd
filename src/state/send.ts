import { type DomainRef, InvalidArgumentError, InvalidStateError, type LibvirtConnection } from '../connection/index.js';
import { checkDestroyOptions } from '../destroyer/index.js';
import { DEFAULT_TIMEOUTS, type VmInput, checkLifecycleOptions } from '../lifecycle/index.js';
import { Budget } from './budget.js';
import { COMMAND_OPERATION, type VmCommand, type VmCommandOptions, type VmCommandResults, isVmCommand, refusalHint } from './commands.js';
import type { VmCommandEvent } from './machine-types.js';
import { type Entry, type Tracker, isIdle } from './tracker.js';

/**
 * Options of `VmRegistry.send`: the command's own options plus `queue`.
 * @example const o: SendOptions<'shutdown'> = { timeout: 30_000, onTimeout: 'destroy', queue: true };
 * @see VmCommandOptions
 */
export type SendOptions<C extends VmCommand> = VmCommandOptions[C] & {
  /**
   * When another command runs on the VM: `false` refuses with
   * `InvalidStateError`; `true` waits for it (FIFO with other queued commands),
   * bounded by `timeout` (default: the command's default timeout) and `signal`,
   * then runs if the command is allowed in the state the VM settled in.
   * @default false
   */
  queue?: boolean;
};

/**
 * What running a command needs from the registry.
 * @example sendCommand({ tracker, connection, running: () => true, notRunning }, 'web1', 'pause')
 * @see sendCommand
 */
export interface CommandContext {
  tracker: Tracker;
  connection: Pick<LibvirtConnection, 'domains'>;
  /** Whether the registry is running now. */
  running(): boolean;
  /** The error for a registry that is not running. */
  notRunning(what: string): Error;
}

/** Default queue wait of `destroy` (the teardown has no single default timeout). */
const DESTROY_QUEUE_TIMEOUT = 120_000;

/**
 * The command path of `VmRegistry.send`: the machine's guard first, one
 * command per VM (refused, or queued with `{ queue: true }`), then the
 * command event with a reply that settles once the machine has settled.
 *
 * @example const result = await sendCommand(ctx, 'web1', 'shutdown', { timeout: 30_000 });
 * @throws {@link InvalidStateError} when the state does not allow it, or another command runs (without `queue`)
 * @throws {@link InvalidArgumentError} · {@link DomainNotFoundError} · {@link TimeoutError}/{@link AbortError} while queued
 * @throws whatever the lifecycle/destroyer method throws
 * @see VmRegistry.send
 */
export async function sendCommand<C extends VmCommand>(ctx: CommandContext, vm: VmInput, command: C, options?: SendOptions<C>): Promise<VmCommandResults[C]> {
  if (!isVmCommand(command)) throw new InvalidArgumentError(`unknown command ${JSON.stringify(command)}`, { path: 'command' });
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw new InvalidArgumentError('options must be an object', { path: 'options' });
  const { queue, ...rest } = options ?? ({} as SendOptions<C>);
  if (queue !== undefined && typeof queue !== 'boolean') throw new InvalidArgumentError('queue must be a boolean', { path: 'queue' });
  const operation = COMMAND_OPERATION[command];
  checkVmInput(vm);
  // The command's own options are checked here too, so a bad one is refused before a VM the registry does not track is looked up.
  if (operation === null) checkDestroyOptions(rest);
  else checkLifecycleOptions(operation, rest);
  const budget = Budget.of(rest, operation === null ? DESTROY_QUEUE_TIMEOUT : DEFAULT_TIMEOUTS[operation]);
  if (!ctx.running()) throw ctx.notRunning(command);
  const entry = ctx.tracker.find(vm) ?? (await lookup(ctx, vm, budget));
  let waited = false;
  let sent = false;
  try {
    for (;;) {
      if (!ctx.running()) throw ctx.notRunning(command);
      const { state, inFlight } = entry.view;
      if (entry.actor.getSnapshot().can({ type: command } as VmCommandEvent)) {
        // A queued command gets what is left of the caller's timeout; without one, the method's own default.
        const commandOptions = (waited && rest.timeout !== undefined ? { ...rest, timeout: Math.max(1, budget.remaining()) } : rest) as VmCommandOptions[C];
        sent = true;
        return await new Promise<VmCommandResults[C]>((resolve, reject) => {
          const reply = { resolve: resolve as (value: unknown) => void, reject };
          ctx.tracker.send(entry, { type: command, options: commandOptions, reply, at: Date.now() } as VmCommandEvent, { cause: 'command' });
        });
      }
      const name = JSON.stringify(entry.name);
      if (isIdle(state) || state === 'gone') throw new InvalidStateError(command, state, `cannot ${command} VM ${name}: it is ${state} (${refusalHint(command, state)})`);
      const busy = inFlight === null ? 'its state is being re-read' : `${inFlight.command} is in flight since ${new Date(inFlight.since).toISOString()}`;
      if (queue !== true) throw new InvalidStateError(command, state, `cannot ${command} VM ${name}: ${busy} (pass { queue: true } to wait for it)`);
      waited = true;
      await untilIdle(entry, budget, `waiting for VM ${name} to settle before ${command} (${busy})`);
    }
  } finally {
    // A queued caller that was woken but sent nothing passes its turn on.
    if (waited && !sent && isIdle(entry.view.state)) entry.waiters?.shift()?.();
  }
}

/** A name, a UUID or a `{ name, uuid }` reference; anything else is refused before anything is sent. */
function checkVmInput(vm: unknown): void {
  const ok =
    typeof vm === 'string' ||
    (typeof vm === 'object' && vm !== null && typeof (vm as DomainRef).name === 'string' && typeof (vm as DomainRef).uuid === 'string');
  if (!ok) throw new InvalidArgumentError('vm must be a name, a UUID or a domain reference { name, uuid }', { path: 'vm' });
}

/** Wait, in FIFO order with other queued commands, until the VM settles (the tracker wakes one waiter per settle). */
function untilIdle(entry: Entry, budget: Budget, what: string): Promise<void> {
  return budget.wait<void>(what, (settle) => {
    const wake = (): void => settle(undefined);
    (entry.waiters ??= []).push(wake);
    return () => {
      const at = entry.waiters?.indexOf(wake) ?? -1;
      if (at >= 0) entry.waiters?.splice(at, 1);
    };
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
