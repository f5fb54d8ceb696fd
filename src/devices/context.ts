/**
 * The plumbing of one device manager, and the start of every device
 * operation: the VM's turn in its one queue, as the lifecycle's operations
 * take it.
 *
 * @module
 */
import type { LibvirtConnection, Logger } from '../connection/internal.js';
import { VolumeTeardown } from '../destroyer/internal.js';
import { type LifecycleContext, type ModuleRun, createLifecycleContext, runInTurn } from '../lifecycle/internal.js';
import type { DeviceOperation, VmInput } from '../runtime/index.js';
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
export type DeviceRun = ModuleRun<DevicesContext, DeviceOperation>;

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
  return runInTurn(ctx, operation, vm, timeout, signal, body);
}
