/**
 * The one dispatcher of the disk-state operations (snapshots, block jobs,
 * backups): each operation's request (arguments and options in one object),
 * its check before anything is sent, and its one implementation, run in the
 * VM's turn. The managers' methods and the state registry's disk-state
 * commands all come through {@link performDiskState}.
 *
 * To add an operation: its request and result in {@link DiskStateRequests}
 * and {@link DiskStateResults}, and its `{ check, run }` in `HANDLERS`.
 *
 * @module
 */
import { type CallOptions, InvalidArgumentError, UnsupportedError } from '../connection/internal.js';
import {
  DEFAULT_TIMEOUTS,
  DISK_STATE_OPERATIONS,
  type DiskStateOperation,
  type VmInput,
  checkCallOptions,
  checkVmInput,
} from '../runtime/index.js';
import { type DiskStateContext, type OperationHandler, inTurn } from './context.js';
import { BACKUP_HANDLERS, type BackupRequests, type BackupResults } from './backup/handlers.js';
import { SNAPSHOT_HANDLERS } from './snapshots/handlers.js';
import type { SnapshotRequests, SnapshotResults } from './snapshots/options.js';

/** An operation's check and implementation. */
export type DiskStateHandler<O extends DiskStateOperation> = OperationHandler<DiskStateRequests[O], DiskStateResults[O]>;

/** A request of an operation whose implementation is not in this build yet. */
export type PendingDiskStateRequest = CallOptions & Record<string, unknown>;

/**
 * The request of each disk-state operation: its method's arguments and
 * options as one object (what the registry's commands carry).
 * @example const r: DiskStateRequests['createSnapshot'] = { name: 'before-upgrade', disks: 'external' };
 */
export interface DiskStateRequests extends SnapshotRequests, BackupRequests {
  // Block jobs (branch blockjobs) replace these with their own request types.
  blockCopy: PendingDiskStateRequest;
  blockCommit: PendingDiskStateRequest;
  blockPull: PendingDiskStateRequest;
}

/**
 * The result of each disk-state operation.
 * @example const r: DiskStateResults['deleteSnapshot'] = await snapshots.delete('web1', 'before-upgrade');
 */
export interface DiskStateResults extends SnapshotResults, BackupResults {
  blockCopy: never;
  blockCommit: never;
  blockPull: never;
}

/** Placeholder of an operation another part of the module implements. */
function pending<O extends DiskStateOperation>(operation: O): DiskStateHandler<O> {
  return {
    check: (request) => checkCallOptions(request, DEFAULT_TIMEOUTS[operation]),
    run: () => Promise.reject(new UnsupportedError(`${operation} is not implemented in this build`)),
  };
}

const HANDLERS: { readonly [O in DiskStateOperation]: DiskStateHandler<O> } = {
  ...SNAPSHOT_HANDLERS,
  blockCopy: pending('blockCopy'),
  blockCommit: pending('blockCommit'),
  blockPull: pending('blockPull'),
  ...BACKUP_HANDLERS,
};

/**
 * Check a disk-state request before anything is sent (the registry checks
 * a command's options with it too).
 * @returns the operation's timeout
 * @throws InvalidArgumentError for an unknown operation or a bad request (`path` names the option)
 */
export function checkDiskStateRequest(operation: DiskStateOperation, request: unknown): number {
  if (!(DISK_STATE_OPERATIONS as readonly string[]).includes(operation))
    throw new InvalidArgumentError(`unknown disk-state operation ${JSON.stringify(operation)}`, { path: 'operation' });
  return HANDLERS[operation].check(request);
}

/**
 * Run one disk-state operation from its request, in `vm`'s turn (queued
 * behind every power, device, teardown or disk-state operation on it).
 * @throws as the operation's method
 */
export function performDiskState<O extends DiskStateOperation>(
  ctx: DiskStateContext,
  vm: VmInput,
  operation: O,
  request: DiskStateRequests[O],
): Promise<DiskStateResults[O]> {
  try {
    const timeout = checkDiskStateRequest(operation, request);
    checkVmInput(vm);
    const handler = HANDLERS[operation] as DiskStateHandler<O>;
    return inTurn(ctx, operation, vm, timeout, request.signal, (run) => handler.run(run, request));
  } catch (error) {
    return Promise.reject(error);
  }
}
