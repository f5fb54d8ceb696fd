import { type DomainRef, type DomainState, type LibvirtConnection, type Logger, logSafely } from '../connection/internal.js';
import { ConnectionClosedError, DomainNotFoundError, TimeoutError } from '../errors/index.js';
import {
  Budget,
  CALL_CAP_MS,
  type VmInput,
  type VmLocks,
  type VmOperation,
  resolveVm as resolveInput,
  traceOperation,
  vmKey,
} from '../runtime/index.js';
import type { ConfirmedBy, LifecycleResult } from './results.js';

/**
 * The part of {@link LibvirtConnection} the lifecycle module uses. A real
 * connection always fits.
 */
export type LifecycleConnection = Pick<LibvirtConnection, 'domains' | 'host' | 'events' | 'handshake' | 'state' | 'on' | 'off'>;

export type { VmInput } from '../runtime/index.js';

export { CALL_CAP_MS } from '../runtime/index.js';

/** Shared plumbing of one manager. */
export interface LifecycleContext {
  readonly connection: LifecycleConnection;
  readonly logger: Logger | undefined;
  readonly pollInterval: number;
  readonly eventGrace: number;
  readonly locks: VmLocks;
  /** Whether the hypervisor emits `domain.reboot` events (the test driver does not). */
  emitsRebootEvents(deadline: Budget): Promise<boolean>;
}

/** One running operation: the VM, its budget and where it started. */
export interface OperationRun {
  readonly ctx: LifecycleContext;
  /** The operation (for messages, logs and results); `waitForState` runs without a lock. */
  readonly operation: VmOperation | 'waitForState';
  ref: DomainRef;
  readonly deadline: Budget;
}

/** Write to the optional logger; a throwing logger never breaks an operation. */
export const log = logSafely;

export { libvirtCodeOf as libvirtCode } from '../errors/index.js';

/** `true` when libvirt says the domain does not exist (a transient domain that stopped). */
export function isGone(error: unknown): boolean {
  return error instanceof DomainNotFoundError;
}

/** Resolve a {@link VmInput} to a reference (one lookup for names and UUIDs). */
export function resolveVm(ctx: LifecycleContext, vm: VmInput, budget: Budget): Promise<DomainRef> {
  return resolveInput(ctx.connection, vm, budget.call(CALL_CAP_MS));
}

/**
 * The start of every operation: check the budget, resolve `vm`, then run
 * `body` in the VM's turn (the wait counts against the budget) — or, with
 * `preempt`, at once, for what must not queue behind others (pulling the plug
 * while a graceful shutdown is pending: whatever holds the turn sees the VM
 * change through its own waiter).
 */
export async function runOperation<T>(
  ctx: LifecycleContext,
  operation: VmOperation,
  vm: VmInput,
  budget: Budget,
  body: (run: OperationRun) => Promise<T>,
  options: { preempt?: boolean } = {},
): Promise<T> {
  return traceOperation(operation, vm, async (message) => {
    budget.check(`before ${operation}`);
    const run: OperationRun = { ctx, operation, ref: await resolveVm(ctx, vm, budget), deadline: budget };
    if (message !== undefined) message.domain = { name: run.ref.name, uuid: run.ref.uuid };
    if (options.preempt === true) return body(run);
    return ctx.locks.run(vmKey(run.ref), budget, () => body(run));
  });
}

/**
 * One operation of a module above the lifecycle (devices, disk state) in the
 * VM's turn: the module's context, its budget and the resolved reference.
 */
export interface ModuleRun<C, O extends VmOperation> {
  readonly ctx: C;
  readonly operation: O;
  readonly ref: DomainRef;
  readonly budget: Budget;
  /** The same run as the lifecycle's waiter needs it. */
  readonly waitRun: OperationRun;
}

/**
 * Run a module's `body` in `vm`'s turn (the one per-VM queue: after every
 * power, teardown, device or disk-state operation queued before it) within
 * `timeout`, through {@link runOperation}.
 */
export function runInTurn<C extends { readonly lifecycle: LifecycleContext }, O extends VmOperation, T>(
  ctx: C,
  operation: O,
  vm: VmInput,
  timeout: number,
  signal: AbortSignal | undefined,
  body: (run: ModuleRun<C, O>) => Promise<T>,
): Promise<T> {
  const budget = new Budget(timeout, signal);
  return runOperation(ctx.lifecycle, operation, vm, budget, (waitRun) => body({ ctx, operation, ref: waitRun.ref, budget, waitRun }));
}

/** DOMAIN_GET_STATE for the run's VM, within its budget. */
export function readState(run: OperationRun): Promise<DomainState> {
  return run.ctx.connection.domains.getState(run.ref, run.deadline.call(CALL_CAP_MS));
}

/**
 * One state read that a wait can ride out: `null` when it failed in a way a
 * later read may not (the link is being re-established, the read itself timed
 * out). A domain that does not exist, a connection closed for good, an abort
 * and any other error are thrown.
 */
export async function readStateOrRetry(ctx: LifecycleContext, ref: DomainRef, budget: Budget, what: string): Promise<DomainState | null> {
  try {
    return await ctx.connection.domains.getState(ref, budget.call(CALL_CAP_MS));
  } catch (error) {
    if (isGone(error)) throw error;
    if (budget.signal?.aborted === true) throw budget.abortError(what);
    if (!retriable(ctx, error)) throw error;
    log(ctx.logger, 'debug', 'state read failed; retrying', { domain: ref.name, error: String(error) });
    return null;
  }
}

/** `true` for a read failure a later read may not have: the link is being re-established, or the read timed out. */
export function retriable(ctx: LifecycleContext, error: unknown): boolean {
  if (error instanceof TimeoutError) return true;
  return error instanceof ConnectionClosedError && ctx.connection.state !== 'closed' && ctx.connection.state !== 'closing';
}

/** What the state of a VM that no longer exists is reported as (a transient domain that stopped). */
export const GONE_STATE: DomainState = { state: 'shutoff', reason: 'gone', stateCode: 5, reasonCode: -1 };

/**
 * Read the state after a confirmed change. A transient domain that stopped no
 * longer exists: that reads as {@link GONE_STATE}.
 */
export async function finalState(run: OperationRun): Promise<DomainState> {
  try {
    return await readState(run);
  } catch (error) {
    if (isGone(error)) return GONE_STATE;
    throw error;
  }
}

/** Build the common result fields. */
export function resultOf(
  run: OperationRun,
  state: Pick<DomainState, 'state' | 'reason'>,
  fields: { changed: boolean; confirmedBy: ConfirmedBy; noop?: string | undefined },
): LifecycleResult {
  const domain: DomainRef = { ...run.ref, id: state.state === 'shutoff' ? -1 : run.ref.id };
  return {
    // resultOf is only used by locked operations, never by waitForState.
    operation: run.operation as VmOperation,
    domain,
    state: state.state,
    reason: state.reason,
    changed: fields.changed,
    ...(fields.noop === undefined ? {} : { noop: fields.noop }),
    confirmedBy: fields.confirmedBy,
    elapsedMs: run.deadline.elapsed(),
  };
}
