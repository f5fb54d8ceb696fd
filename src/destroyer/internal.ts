/**
 * `libvirt-manager/destroyer`: safe, idempotent VM teardown that never deletes
 * a disk it does not own (unless asked) or one another domain uses.
 *
 * @example
 * import { VmDestroyer } from 'libvirt-manager/destroyer';
 * const report = await new VmDestroyer(conn, lifecycle).destroy('web1', { stop: 'graceful', storage: 'owned' });
 *
 * @module destroyer
 */
export { VmDestroyer, checkDestroyOptions, type DestroyOptions } from './destroyer.js';
export { type StopOperations, type StopPlan, stopPlan } from './stop.js';
export { type StoragePolicy, type VolumePlan, planVolumes } from './plan.js';
export { emptyReport, type DestroyReport, type DestroyStepError, type KeepReason, type StopOutcome, type VolumeRecord } from './report.js';
export { UndefineFlag, UNDEFINE_FLAG_LADDER, undefineDomain, type UndefineResult } from './undefine.js';
