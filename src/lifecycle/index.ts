/**
 * `libvirt-manager/lifecycle`: start, shutdown, reboot, reset, pause, resume
 * and managed save of libvirt VMs — each finished only when libvirt confirms
 * the new state. See docs/lifecycle.md.
 *
 * @example
 * import { LibvirtConnection } from 'libvirt-manager/connection';
 * import { VmLifecycleManager } from 'libvirt-manager/lifecycle';
 * const conn = await LibvirtConnection.connect('qemu:///system');
 * const lifecycle = new VmLifecycleManager(conn);
 * const { state, reason } = await lifecycle.shutdown('web1');
 *
 * @module lifecycle
 */
export { VmLifecycleManager } from './manager.js';
export type { LifecycleConnection, VmInput } from './context.js';
export { type VmOperation, type Verdict, verdict, OPERATION_CHANNEL, type OperationMessage } from '../runtime/index.js';
export type { PowerMode, PowerMethod } from './mode.js';
export { DEFAULT_TIMEOUTS, type SetAutostartOptions, type VmLifecycleManagerOptions } from './options.js';
export type {
  ConfirmedBy,
  LifecycleResult,
  StartResult,
  ShutdownResult,
  ForceOffResult,
  RebootResult,
  ResumeResult,
  TimeSyncOutcome,
  StateObservation,
  AutostartResult,
} from './results.js';
export type { StartOptions } from './operations/start.js';
export type { ResumeOptions } from './operations/pause.js';
export type { AgentResult, WaitForAgentOptions } from './operations/agent.js';
export type { ShutdownOptions } from './operations/shutdown.js';
export type { ForceOffOptions } from './operations/force-off.js';
export type { RebootOptions } from './operations/reboot.js';
export type { ManagedSaveOptions } from './operations/managed-save.js';
export { DEFAULT_ADDRESS_SOURCES, type AddressesResult, type WaitForAddressesOptions } from './operations/addresses.js';
