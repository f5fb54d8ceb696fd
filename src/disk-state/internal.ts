/**
 * Everything the other modules of the SDK use from the disk-state module: its
 * public surface (`./index.ts`) and internals that are not part of it.
 *
 * @internal
 * @module
 */
export * from './index.js';
export { checkDiskStateRequest, performDiskState, type DiskStateHandler } from './perform.js';
export { type DiskStateContext, type DiskStateRun, createDiskStateContext, inTurn } from './context.js';
