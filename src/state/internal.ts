/**
 * Everything the other modules of the SDK (and its tests) use from the state
 * module: its public surface (`./index.ts`) and internals that are not part
 * of it.
 *
 * @internal
 * @module
 */
export * from './index.js';
export { stateNameOf } from './machine-types.js';
export { COMMAND_OPERATION, commandAllowed, isVmCommand, refusalHint } from './commands.js';
export { observedOf, factOf, outcomeOf, type Fact } from './facts.js';
export { toVmEvent, REGISTRY_EVENT_TYPES } from './events-to-machine.js';
export { allowedIn, toVmSnapshot } from './snapshot.js';
export { provideEffects, type MachineDelays } from './effects.js';
