/**
 * Every SDK operation (create, start, shutdown, destroy, attachDisk,
 * createSnapshot, …) published on a `diagnostics_channel` `TracingChannel`,
 * beside the RPC calls it makes (`libvirt-manager:rpc:call`). Nothing is built
 * when nobody subscribes. The channel name and message shape are a stable
 * contract (docs/observability.md).
 *
 * @module
 */
import { type TracingChannel, tracingChannel } from 'node:diagnostics_channel';
import { hasTraceSubscribers, traceTimed } from '../connection/internal.js';

/** The name of the operation tracing channel (`tracing:libvirt-manager:operation:start`, `…:asyncEnd`, `…:error`…). */
export const OPERATION_CHANNEL = 'libvirt-manager:operation';

/**
 * The message of one SDK operation, the same object on every event of it.
 * `domain` is filled once the VM is resolved; `durationMs` and `errorCode`
 * when the operation settled (before `asyncStart`); `result` / `error` by the
 * channel.
 */
export interface OperationMessage {
  /** The operation: a `VmOperation` (`'start'`, `'attachDisk'`, `'destroy'`…) or `'create'`. */
  readonly operation: string;
  /** The VM as the caller named it (name, UUID, or the spec's name for `'create'`). */
  readonly vm: string;
  /** The libvirt domain, once known. */
  domain: { name: string; uuid: string } | undefined;
  /** From the call to its settling, in ms (waiting for the VM's turn included). */
  durationMs: number | undefined;
  /** The error's stable code (`'ERR_LIBVIRT_TIMEOUT'`, `'VIR_ERR_OPERATION_INVALID'`…). */
  errorCode: string | undefined;
  /** Set by the channel when the operation resolved: its result object. */
  result?: unknown;
  /** Set by the channel when it failed. */
  error?: unknown;
}

const channel: TracingChannel<unknown, OperationMessage & object> = tracingChannel(OPERATION_CHANNEL);

/** How an operation names its VM for the message (a string as given; a reference by its name). */
function vmLabel(vm: unknown): string {
  if (typeof vm === 'string') return vm;
  if (vm !== null && typeof vm === 'object' && typeof (vm as { name?: unknown }).name === 'string') return (vm as { name: string }).name;
  return String(vm);
}

/**
 * Run one operation under the channel (straight through when nobody
 * listens). `run` receives the message (or `undefined`) to name the domain.
 */
export function traceOperation<T>(operation: string, vm: unknown, run: (message: OperationMessage | undefined) => Promise<T>): Promise<T> {
  if (!hasTraceSubscribers(channel)) return run(undefined);
  const message: OperationMessage = { operation, vm: vmLabel(vm), domain: undefined, durationMs: undefined, errorCode: undefined };
  return traceTimed(channel, message, () => run(message));
}
