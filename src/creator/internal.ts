/**
 * Everything the other modules of the SDK (and its tests) use from the
 * creator: its public surface (`./index.ts`) and internals that are not part
 * of it.
 *
 * @internal
 * @module
 */
export * from './index.js';
export type { CreatorHooks } from './options.js';
export { validateSpec, type CheckedSpec, type CheckedDisk } from './validate.js';
export { resolvePlatform, type Platform } from './defaults.js';
export { SDK_VERSION } from './domain-model.js';
export { planAddedDisk, planAddedNic, type PlannedAddedDisk, type PlannedAddedNic } from './additions.js';
export { makeVolume } from './storage-ops.js';
export { CompensationLog, attachRollback, outcomeUnknown } from './transaction.js';
