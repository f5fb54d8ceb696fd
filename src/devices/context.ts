/**
 * The plumbing of one device manager, and the start of every device
 * operation: the VM's turn in its one queue, as the lifecycle's operations
 * take it.
 *
 * @module
 */
import type { DomainRef, LibvirtConnection, Logger } from '../connection/internal.js';
import { VolumeTeardown } from '../destroyer/internal.js';
import { type LifecycleContext, type OperationRun, createLifecycleContext, runOperation } from '../lifecycle/internal.js';
import { Budget, type DeviceOperation, type VmInput } from '../runtime/index.js';
import type { VmDeviceManagerOptions } from './options.js';

/** What every device operation shares. */
export interface DevicesContext {
  readonly connection: LibvirtConnection;
  /** The lifecycle's plumbing: the VM's turn, the event-or-poll waiter. */
  readonly lifecycle: LifecycleContext;
  readonly logger: Logger | undefined;
  /** Deletes a detached disk's volume with the destroyer's checks (who else uses it). */
  readonly volumes: VolumeTeardown;
}

/** Build the context of a device manager on `connection`. */
export function createDevicesContext(connection: LibvirtConnection, options: VmDeviceManagerOptions): DevicesContext {
  return {
    connection,
    lifecycle: createLifecycleContext(connection, options),
    logger: options.logger,
    volumes: new VolumeTeardown(connection),
  };
}

/** One device operation in the VM's turn: its budget and resolved reference. */
export interface DeviceRun {
  readonly ctx: DevicesContext;
  readonly operation: DeviceOperation;
  readonly ref: DomainRef;
  readonly budget: Budget;
  /** The same run as the lifecycle's waiter needs it. */
  readonly waitRun: OperationRun;
}

/**
 * Run `body` in `vm`'s turn (the one per-VM queue: after every power,
 * teardown or device operation queued before it) within `timeout`.
 */
export function inTurn<T>(
  ctx: DevicesContext,
  operation: DeviceOperation,
  vm: VmInput,
  timeout: number,
  signal: AbortSignal | undefined,
  body: (run: DeviceRun) => Promise<T>,
): Promise<T> {
  const budget = new Budget(timeout, signal);
  return runOperation(ctx.lifecycle, operation, vm, budget, (waitRun) => body({ ctx, operation, ref: waitRun.ref, budget, waitRun }));
}
