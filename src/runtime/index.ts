/**
 * The per-VM operation runtime every module shares: one time budget, one
 * options check, one way to name and key a VM, one per-VM queue per
 * connection, one table of what may run in which state, one "wait until".
 * Internal: the modules import it; the package does not export it (the
 * public names it needs are re-exported by the modules that use them).
 *
 * @module
 */
export { Budget, CALL_CAP_MS, asAbortError, checkCallOptions, throwIfAborted, type LinkedBudget } from './budget.js';
export { VmLocks, locksOf } from './locks.js';
export { type VmInput, checkVmInput, resolveVm, vmKey } from './vm.js';
export {
  DEFAULT_TIMEOUTS,
  DEVICE_OPERATIONS,
  DISK_STATE_OPERATIONS,
  type DeviceOperation,
  type DiskStateOperation,
  type VmOperation,
  type Verdict,
  verdict,
  refusal,
} from './verdicts.js';
export { type WaitTrigger, type WaitUntilOptions, waitUntil } from './wait-until.js';
export { type ProgressCallback, ProgressFeed } from './progress.js';
export { OPERATION_CHANNEL, type OperationMessage, traceOperation } from './tracing.js';
