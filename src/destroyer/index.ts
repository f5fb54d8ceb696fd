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
export { VmDestroyer, type DestroyOptions } from './destroyer.js';
export type { StopOperations } from './stop.js';
export type { StoragePolicy } from './plan.js';
export type { DestroyReport, DestroyStepError, KeepReason, StopOutcome, VolumeRecord } from './report.js';
