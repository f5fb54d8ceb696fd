import type { CallOptions, DomainStateName } from '../connection/internal.js';
import type { DestroyOptions, DestroyReport } from '../destroyer/internal.js';
import { type VmOperation, verdict } from '../runtime/index.js';
import type {
  ForceOffOptions,
  ForceOffResult,
  LifecycleResult,
  ManagedSaveOptions,
  ResumeOptions,
  RebootOptions,
  RebootResult,
  ResumeResult,
  ShutdownOptions,
  ShutdownResult,
  StartOptions,
  StartResult,
} from '../lifecycle/internal.js';

/**
 * Commands a VM actor accepts, in the imperative (libvirt facts are past
 * tense): each runs the `VmLifecycleManager` method of the same name, and
 * `destroy` runs `VmDestroyer.destroy` (teardown: stop, storage, undefine).
 * `forceOff` is what virsh calls `destroy` (power off).
 * @example for (const command of VM_COMMANDS) console.log(command, snapshot.can({ type: command }));
 * @see VmRegistry.send
 */
export const VM_COMMANDS = ['start', 'shutdown', 'forceOff', 'reboot', 'reset', 'pause', 'resume', 'managedSave', 'destroy'] as const;

/**
 * One of {@link VM_COMMANDS}.
 * @example const cmd: VmCommand = 'pause';
 * @see VM_COMMANDS
 */
export type VmCommand = (typeof VM_COMMANDS)[number];

/**
 * Options of each command: those of the lifecycle or destroyer method it runs.
 * @example const o: VmCommandOptions['shutdown'] = { timeout: 30_000, onTimeout: 'forceOff' };
 * @see VmLifecycleManager
 */
export interface VmCommandOptions {
  start: StartOptions;
  shutdown: ShutdownOptions;
  forceOff: ForceOffOptions;
  reboot: RebootOptions;
  reset: CallOptions;
  pause: CallOptions;
  resume: ResumeOptions;
  managedSave: ManagedSaveOptions;
  destroy: DestroyOptions;
}

/**
 * Result of each command: what the lifecycle or destroyer method returned.
 * @example const r: VmCommandResults['destroy'] = await registry.send('web1', 'destroy');
 * @see VmDestroyer.destroy
 */
export interface VmCommandResults {
  start: StartResult;
  shutdown: ShutdownResult;
  forceOff: ForceOffResult;
  reboot: RebootResult;
  reset: LifecycleResult;
  pause: LifecycleResult;
  resume: ResumeResult;
  managedSave: LifecycleResult;
  destroy: DestroyReport;
}

/**
 * The operation behind each command: a `VmLifecycleManager` method, or
 * `destroy` (the destroyer's teardown).
 * @example COMMAND_OPERATION.pause // 'pause'
 * @see verdict
 */
export const COMMAND_OPERATION: Readonly<Record<VmCommand, VmOperation>> = {
  start: 'start',
  shutdown: 'shutdown',
  forceOff: 'forceOff',
  reboot: 'reboot',
  reset: 'reset',
  pause: 'pause',
  resume: 'resume',
  managedSave: 'managedSave',
  destroy: 'destroy',
};

/**
 * `true` when the one table of what may run in which state (`verdict`) lets
 * `command` run from `state`: a no-op (start a running VM) counts — the
 * operation runs and says so — a refusal does not. The VM machine's command
 * guards call this, so the registry accepts exactly what the lifecycle runs.
 * @example commandAllowed('start', 'running') // true (a no-op)
 * @example commandAllowed('reboot', 'shutoff') // false
 */
export function commandAllowed(command: VmCommand, state: DomainStateName): boolean {
  const decision = verdict(COMMAND_OPERATION[command], state);
  return typeof decision !== 'object' || !('refuse' in decision);
}

/**
 * Why `command` is not allowed in `state`, in words, from the same table.
 * @example refusalHint('pause', 'shutoff') // 'only a running VM can be paused'
 * @throws never
 * @see verdict
 */
export function refusalHint(command: VmCommand, state: string): string {
  if (state === 'gone') return 'it no longer exists';
  const decision = verdict(COMMAND_OPERATION[command], state as DomainStateName);
  if (typeof decision === 'object') return 'refuse' in decision ? decision.refuse : decision.noop;
  return `not from ${state}`;
}

/**
 * `true` when `value` is a command name.
 * @example isVmCommand('pause') // true
 * @throws never
 * @see VM_COMMANDS
 */
export function isVmCommand(value: unknown): value is VmCommand {
  return typeof value === 'string' && (VM_COMMANDS as readonly string[]).includes(value);
}
