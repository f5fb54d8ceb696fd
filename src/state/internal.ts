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
export type { SendOptions } from './send.js';
export { vmMachine } from './vm-machine.js';
export {
  stateNameOf,
  VM_STATE_NAMES,
  type VmStateName,
  type TransitionalState,
  type VmContext,
  type VmMachineEvent,
  type VmCommandEvent,
  type VmMachineInput,
  type InFlight,
  type CommandInput,
  type CommandReply,
  type StateReading,
} from './machine-types.js';
export { VM_COMMANDS, COMMAND_OPERATION, isVmCommand, refusalHint, type VmCommand, type VmCommandOptions, type VmCommandResults } from './commands.js';
export { OBSERVED_STATES, observedOf, factOf, outcomeOf, type ObservedState, type VmFactEvent, type Fact } from './facts.js';
export { toVmEvent, REGISTRY_EVENT_TYPES } from './events-to-machine.js';
export { allowedIn, toVmSnapshot, type VmSnapshot, type VmChange, type VmChangeCause } from './snapshot.js';
export type { ChangesOptions } from './changes.js';
export { provideEffects, type RegistryLifecycle, type RegistryDestroyer, type MachineDelays } from './effects.js';
