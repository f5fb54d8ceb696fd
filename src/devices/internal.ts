/**
 * Everything the other modules of the SDK use from the devices module: its
 * public surface (`./index.ts`) and internals that are not part of it.
 *
 * @internal
 * @module
 */
export * from './index.js';
export { checkDeviceRequest } from './check-request.js';
export { DEFAULT_RESEND_EVERY, MIN_RESEND_EVERY } from './options.js';
export {
  type OwnershipRun,
  type PreviousRecords,
  everyDefinition,
  forgetOwned,
  ownedVolumeOf,
  readRecords,
  recordOwned,
  restoreRecords,
  sameVolume,
} from './ownership.js';
export { type VmView, diskByTarget, diskPath, disksOf, scopeFlags } from './vm-view.js';
// Defined once in the connection layer (src/connection/resources/impact.ts); here for the modules built on the devices.
export { AFFECT_CONFIG, AFFECT_LIVE } from '../connection/internal.js';
