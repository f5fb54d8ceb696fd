/**
 * `libvirt-manager/state`: one XState actor per VM, fed by libvirt events —
 * the single source of truth for every VM's state, the commands allowed now,
 * and what is in flight. See docs/lifecycle.md, "The VM state machine".
 *
 * @example
 * import { LibvirtConnection } from 'libvirt-manager/connection';
 * import { VmRegistry } from 'libvirt-manager/state';
 * await using conn = await LibvirtConnection.connect('qemu:///system');
 * await using registry = new VmRegistry(conn);
 * await registry.start();
 * console.log(registry.get('web1')?.state);
 *
 * @module state
 */
export { VmRegistry, type WaitForState } from './registry.js';
export type { VmRegistryOptions } from './options.js';
export type { QueueOption, SendOptions } from './send.js';
export type { ChangesOptions } from './changes.js';
export type { RegistryLifecycle, RegistryDestroyer, RegistryDevices, RegistryDiskState } from './effects.js';
export {
  VM_COMMANDS,
  DEVICE_COMMANDS,
  type DeviceCommand,
  DISK_STATE_COMMANDS,
  type DiskStateCommand,
  type VmCommand,
  type VmCommandOptions,
  type VmCommandResults,
} from './commands.js';
export { VM_STATE_NAMES, type VmStateName, type TransitionalState } from './machine-types.js';
export { OBSERVED_STATES, type ObservedState } from './facts.js';
export type { VmSnapshot, VmChange, VmChangeCause } from './snapshot.js';
// The machine itself, for tests and tools that drive it with their own effects (`vmMachine.provide`).
export { vmMachine } from './vm-machine.js';
export type {
  VmContext,
  VmMachineEvent,
  VmCommandEvent,
  VmMachineInput,
  InFlight,
  CommandInput,
  CommandReply,
  StateReading,
} from './machine-types.js';
export type { VmFactEvent } from './facts.js';
