import type { CallOptions, DomainStateName } from '../connection/internal.js';
import type { DestroyOptions, DestroyReport } from '../destroyer/internal.js';
import type { DeviceRequests, DeviceResults } from '../devices/internal.js';
import type { DiskStateRequests, DiskStateResults } from '../disk-state/internal.js';
import { DEVICE_OPERATIONS, DISK_STATE_OPERATIONS, type VmOperation, verdict } from '../runtime/index.js';
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
 * tense): each power command runs the `VmLifecycleManager` method of the
 * same name, each device command (`attachDisk` … `setVcpus`) the
 * `VmDeviceManager` method of the same name, each disk-state command
 * (`createSnapshot` … `backup`) the disk-state dispatcher, and `destroy` runs
 * `VmDestroyer.destroy` (teardown: stop, storage, undefine). `forceOff` is
 * what virsh calls `destroy` (power off).
 * @example for (const command of VM_COMMANDS) console.log(command, snapshot.can({ type: command }));
 * @see VmRegistry.send
 */
export const VM_COMMANDS = [
  'start',
  'shutdown',
  'forceOff',
  'reboot',
  'reset',
  'pause',
  'resume',
  'managedSave',
  'destroy',
  ...DEVICE_OPERATIONS,
  ...DISK_STATE_OPERATIONS,
] as const;

/**
 * The device commands: each changes the VM's hardware through
 * `VmDeviceManager`; the machine shows them as `reconfiguring`.
 * @example DEVICE_COMMANDS.includes('attachDisk') // true
 */
// The devices module's own list: one list, so a new device operation is a command at once.
export const DEVICE_COMMANDS = DEVICE_OPERATIONS;

/** One of {@link DEVICE_COMMANDS}. */
export type DeviceCommand = (typeof DEVICE_COMMANDS)[number];

/**
 * The disk-state commands: snapshots, block jobs and backups, each through
 * the disk-state module's one dispatcher; the machine shows them as
 * `changingDisks`.
 * @example DISK_STATE_COMMANDS.includes('createSnapshot') // true
 */
// The disk-state module's own list.
export const DISK_STATE_COMMANDS = DISK_STATE_OPERATIONS;

/** One of {@link DISK_STATE_COMMANDS}. */
export type DiskStateCommand = (typeof DISK_STATE_COMMANDS)[number];

/**
 * One of {@link VM_COMMANDS}.
 * @example const cmd: VmCommand = 'pause';
 * @see VM_COMMANDS
 */
export type VmCommand = (typeof VM_COMMANDS)[number];

/**
 * Options of each command: those of the lifecycle or destroyer method it
 * runs; a device command's carry its arguments too (`DeviceRequests`).
 * @example const o: VmCommandOptions['shutdown'] = { timeout: 30_000, onTimeout: 'forceOff' };
 * @example const d: VmCommandOptions['attachDisk'] = { disk: { kind: 'new', pool: 'default', size: '10GiB' } };
 * @see VmLifecycleManager
 */
export interface VmCommandOptions extends DeviceRequests, DiskStateRequests {
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
export interface VmCommandResults extends DeviceResults, DiskStateResults {
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
  attachDisk: 'attachDisk',
  detachDisk: 'detachDisk',
  changeMedia: 'changeMedia',
  attachNic: 'attachNic',
  detachNic: 'detachNic',
  resizeDisk: 'resizeDisk',
  setMemory: 'setMemory',
  setVcpus: 'setVcpus',
  createSnapshot: 'createSnapshot',
  revertSnapshot: 'revertSnapshot',
  deleteSnapshot: 'deleteSnapshot',
  blockCopy: 'blockCopy',
  blockCommit: 'blockCommit',
  blockPull: 'blockPull',
  backup: 'backup',
};

/**
 * `true` when `command` is a device command.
 * @example isDeviceCommand('setVcpus') // true
 * @throws never
 */
export function isDeviceCommand(command: VmCommand): command is DeviceCommand {
  return (DEVICE_COMMANDS as readonly string[]).includes(command);
}

/**
 * `true` when `command` is a disk-state command.
 * @example isDiskStateCommand('createSnapshot') // true
 * @throws never
 */
export function isDiskStateCommand(command: VmCommand): command is DiskStateCommand {
  return (DISK_STATE_COMMANDS as readonly string[]).includes(command);
}

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
