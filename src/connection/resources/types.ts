import type { CallOptions, Procedure, RpcStream, RpcStreamOptions } from '../../rpc/index.js';

/** The connection's call function, as the resources use it. */
export type ResourceCall = <A, R>(procedure: Procedure<A, R>, args: A, options?: CallOptions) => Promise<R>;

/** The connection's stream opener. */
export type ResourceStream = <A, R>(procedure: Procedure<A, R>, args: A, options?: CallOptions & RpcStreamOptions) => Promise<RpcStream<R>>;

/** Per-call options every resource method takes last. */
export type ResourceOptions = CallOptions;

/** Convert libvirt's 0/1 int to a boolean. */
export function flag(value: number): boolean {
  return value !== 0;
}

/** Convert a `bigint` to `number` when it is a safe integer; keep it otherwise. */
export function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${value} exceeds Number.MAX_SAFE_INTEGER`);
  }
  return Number(value);
}
