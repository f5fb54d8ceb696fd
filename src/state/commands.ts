import type { DomainStateName } from '../connection/index.js';
import type { DestroyOptions, DestroyReport } from '../destroyer/index.js';
import {
  type ForceOffOptions,
  type ForceOffResult,
  type LifecycleOperation,
  type LifecycleResult,
  type ManagedSaveOptions,
  type OperationOptions,
  type ResumeOptions,
  type RebootOptions,
  type RebootResult,
  type ResumeResult,
  type ShutdownOptions,
  type ShutdownResult,
  type StartOptions,
  type StartResult,
  guard,
} from '../lifecycle/index.js';

/**
 * Commands a VM actor accepts, in the imperative (libvirt facts are past
 * tense). `pause` runs `VMLifecycleManager.suspend`, `save` runs
 * `managedSave`, `destroy` runs `VMDestroyer.destroy` (teardown: stop,
 * storage, undefine); `forceOff` is virsh's `destroy` (power off).
 * @example for (const command of VM_COMMANDS) console.log(command, snapshot.can({ type: command }));
 * @see VmRegistry.send
 */
export const VM_COMMANDS = ['start', 'shutdown', 'forceOff', 'reboot', 'reset', 'pause', 'resume', 'save', 'destroy'] as const;

/**
 * One of {@link VM_COMMANDS}.
 * @example const cmd: VmCommand = 'pause';
 * @see VM_COMMANDS
 */
export type VmCommand = (typeof VM_COMMANDS)[number];

/**
 * Options of each command: those of the lifecycle or destroyer method it runs.
 * @example const o: VmCommandOptions['shutdown'] = { timeout: 30_000, onTimeout: 'destroy' };
 * @see VMLifecycleManager
 */
export interface VmCommandOptions {
  start: StartOptions;
  shutdown: ShutdownOptions;
  forceOff: ForceOffOptions;
  reboot: RebootOptions;
  reset: OperationOptions;
  pause: OperationOptions;
  resume: ResumeOptions;
  save: ManagedSaveOptions;
  destroy: DestroyOptions;
}

/**
 * Result of each command: what the lifecycle or destroyer method returned.
 * @example const r: VmCommandResults['destroy'] = await registry.send('web1', 'destroy');
 * @see VMDestroyer.destroy
 */
export interface VmCommandResults {
  start: StartResult;
  shutdown: ShutdownResult;
  forceOff: ForceOffResult;
  reboot: RebootResult;
  reset: LifecycleResult;
  pause: LifecycleResult;
  resume: ResumeResult;
  save: LifecycleResult;
  destroy: DestroyReport;
}

/**
 * The `VMLifecycleManager` operation behind each command (`null`: the destroyer).
 * @example COMMAND_OPERATION.pause // 'suspend'
 * @see guard
 */
export const COMMAND_OPERATION: Readonly<Record<VmCommand, LifecycleOperation | null>> = {
  start: 'start',
  shutdown: 'shutdown',
  forceOff: 'forceOff',
  reboot: 'reboot',
  reset: 'reset',
  pause: 'suspend',
  resume: 'resume',
  save: 'managedSave',
  destroy: null,
};

/**
 * Why `command` is not allowed in `state`, in words, reusing the lifecycle's
 * state table (`guard`) so both layers explain a refusal the same way.
 * @example refusalHint('pause', 'shutoff') // 'only a running VM can be paused'
 * @example refusalHint('start', 'running') // 'already running'
 * @throws never
 * @see guard
 */
export function refusalHint(command: VmCommand, state: string): string {
  if (state === 'gone') return 'it no longer exists';
  const operation = COMMAND_OPERATION[command];
  if (operation === null) return 'it cannot be torn down from this state';
  const verdict = guard(operation, state as DomainStateName);
  if (typeof verdict === 'object') return 'refuse' in verdict ? verdict.refuse : verdict.noop;
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
