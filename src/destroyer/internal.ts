/**
 * Everything the other modules of the SDK use from the destroyer: its public
 * surface (`./index.ts`) and internals that are not part of it.
 *
 * @internal
 * @module
 */
export * from './index.js';
export { checkDestroyOptions } from './destroyer.js';
export { type StopPlan, stopPlan } from './stop.js';
export { type VolumePlan, planVolumes } from './plan.js';
export { emptyReport } from './report.js';
export { UndefineFlag, UNDEFINE_FLAG_LADDER, undefineDomain, type UndefineResult } from './undefine.js';
export { VolumeTeardown } from './volumes.js';
export { deleteVolumeRef, findPoolVolume } from './volume-delete.js';
