/**
 * The plumbing every disk-state operation shares (snapshots, block jobs,
 * backups), and the start of each: the VM's turn in its one queue, as the
 * lifecycle's and the devices' operations take it.
 *
 * @module
 */
import type { LibvirtConnection, Logger } from '../connection/internal.js';
import { VolumeTeardown } from '../destroyer/internal.js';
import { type LifecycleContext, type ModuleRun, createLifecycleContext, runInTurn } from '../lifecycle/internal.js';
import type { DiskStateOperation, VmInput } from '../runtime/index.js';

/** Options of the disk-state managers (`SnapshotManager`, `BlockJobManager`, `BackupManager`). */
export interface DiskStateManagerOptions {
  /** How often to poll a job's progress or the VM's XML when no event says it changed (ms, at least 50). @default 1000 */
  pollInterval?: number;
  logger?: Logger;
}

/** What every disk-state operation shares. */
export interface DiskStateContext {
  readonly connection: LibvirtConnection;
  /** The lifecycle's plumbing: the VM's turn, the event-or-poll waiter. */
  readonly lifecycle: LifecycleContext;
  readonly logger: Logger | undefined;
  /** Deletes a volume with the destroyer's checks (who else uses it). */
  readonly volumes: VolumeTeardown;
  readonly pollInterval: number;
}

/** Build the context of a disk-state manager on `connection`. */
export function createDiskStateContext(connection: LibvirtConnection, options: DiskStateManagerOptions): DiskStateContext {
  return {
    connection,
    lifecycle: createLifecycleContext(connection, options),
    logger: options.logger,
    volumes: new VolumeTeardown(connection),
    pollInterval: options.pollInterval ?? 1000,
  };
}

/** One disk-state operation in the VM's turn: its budget and resolved reference. */
export type DiskStateRun = ModuleRun<DiskStateContext, DiskStateOperation>;

/**
 * Run `body` in `vm`'s turn (the one per-VM queue: after every power,
 * teardown, device or disk-state operation queued before it) within `timeout`.
 */
export function inTurn<T>(
  ctx: DiskStateContext,
  operation: DiskStateOperation,
  vm: VmInput,
  timeout: number,
  signal: AbortSignal | undefined,
  body: (run: DiskStateRun) => Promise<T>,
): Promise<T> {
  return runInTurn(ctx, operation, vm, timeout, signal, body);
}

/** One operation's check (before anything is sent; returns its timeout) and its one implementation. */
export interface OperationHandler<Request, Result> {
  /** @throws InvalidArgumentError (`path` names the option) */
  check(request: unknown): number;
  run(run: DiskStateRun, request: Request): Promise<Result>;
}
