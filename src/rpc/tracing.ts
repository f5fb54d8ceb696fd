/**
 * Every RPC call published on a `diagnostics_channel` `TracingChannel`, the
 * way undici publishes its requests: APM tools and OpenTelemetry subscribe
 * from outside; nothing is built when nobody does. The channel name and the
 * message shape are a stable contract (docs/observability.md).
 *
 * @module
 */
import { type TracingChannel, tracingChannel } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import type { Procedure } from './protocol/procedure.js';

/** The name of the RPC call tracing channel (`tracing:libvirt-manager:rpc:call:start`, `…:end`, `…:asyncStart`, `…:asyncEnd`, `…:error`). */
export const RPC_CALL_CHANNEL = 'libvirt-manager:rpc:call';

/**
 * The message of one RPC call, the same object on every event of that call
 * (so subscribers can keep their span on it). Fields are filled as the call
 * goes: `serial` and `bytesOut` once it is sent, `bytesIn` when the reply
 * came, `durationMs` and `errorCode` when it settled (before `asyncStart`).
 * `result` / `error` are set by the channel (`tracePromise`).
 */
export interface RpcCallMessage {
  /** The program: `0x20008086` (remote), `0x20008087` (QEMU)… */
  readonly program: number;
  readonly version: number;
  /** The procedure number, e.g. 212. */
  readonly procedure: number;
  /** libvirt's name, e.g. `'DOMAIN_GET_STATE'`. */
  readonly name: string;
  /** The call's serial on this connection; `0` when it was never sent (aborted first, bad arguments, closed). */
  serial: number;
  /** Bytes of the CALL packet, header included; `0` when it was never sent. */
  bytesOut: number;
  /** Bytes of the reply's payload; `undefined` without a reply (aborted, timed out, connection lost). */
  bytesIn: number | undefined;
  /** From the call to its settling, in ms. */
  durationMs: number | undefined;
  /** The error's stable `code` (`'ERR_LIBVIRT'`…) and, for libvirt's errors, its `codeName` (`'VIR_ERR_NO_DOMAIN'`). */
  errorCode: string | undefined;
  /** Set by the channel when the call resolved. */
  result?: unknown;
  /** Set by the channel when the call failed. */
  error?: unknown;
}

const channel: TracingChannel<unknown, RpcCallMessage & object> = tracingChannel(RPC_CALL_CHANNEL);

/** `true` when anyone listens to any event of `traced` (a few property reads: the cost of tracing nobody). */
export function hasTraceSubscribers(traced: TracingChannel<unknown, object>): boolean {
  return (
    traced.start.hasSubscribers ||
    traced.end.hasSubscribers ||
    traced.asyncStart.hasSubscribers ||
    traced.asyncEnd.hasSubscribers ||
    traced.error.hasSubscribers
  );
}

/** `true` when anyone listens to any event of the RPC channel. */
export function tracingRpc(): boolean {
  return hasTraceSubscribers(channel);
}

/**
 * Run `run` under `traced` with `message` (the RPC call's or the operation's):
 * `durationMs` and, on failure, `errorCode` are filled in as it settles, so
 * they are there when the channel publishes `asyncStart` / `error`.
 */
export function traceTimed<M extends { durationMs: number | undefined; errorCode: string | undefined }, R>(
  traced: TracingChannel<unknown, M & object>,
  message: M & object,
  run: () => Promise<R>,
): Promise<R> {
  const started = performance.now();
  return traced.tracePromise(async () => {
    try {
      return await run();
    } catch (error) {
      message.errorCode = errorCodeOf(error);
      throw error;
    } finally {
      message.durationMs = performance.now() - started;
    }
  }, message);
}

/** The stable code of an error for the messages: `codeName` for libvirt's errors, else `code`. */
export function errorCodeOf(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const { codeName, code } = error as { codeName?: unknown; code?: unknown };
  if (typeof codeName === 'string') return codeName;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Run one call under the channel: `run` receives the message to fill in
 * (serial, bytes) as it sends and receives.
 */
export function traceRpcCall<R>(procedure: Procedure<unknown, unknown>, run: (message: RpcCallMessage) => Promise<R>): Promise<R> {
  const message: RpcCallMessage = {
    program: procedure.program,
    version: procedure.version,
    procedure: procedure.proc,
    name: procedure.name,
    serial: 0,
    bytesOut: 0,
    bytesIn: undefined,
    durationMs: undefined,
    errorCode: undefined,
  };
  return traceTimed(channel, message, () => run(message));
}
