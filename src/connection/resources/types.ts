import { InvalidArgumentError } from '../../errors/index.js';
import type { CallOptions, Procedure, RpcStream, RpcStreamOptions } from '../../rpc/index.js';

/** The connection's call function, as the resources use it. */
export type ResourceCall = <A, R>(procedure: Procedure<A, R>, args: A, options?: CallOptions) => Promise<R>;

/** The connection's stream opener. */
export type ResourceStream = <A, R>(procedure: Procedure<A, R>, args: A, options?: CallOptions & RpcStreamOptions) => Promise<RpcStream<R>>;

/** Options of the `setAutostart` methods: whether the object starts with the host, and the call's `{ signal, timeout }`. */
export interface AutostartOptions extends CallOptions {
  enabled: boolean;
}

/** Check {@link AutostartOptions} before anything is sent. @throws {@link InvalidArgumentError} */
export function checkAutostart(options: AutostartOptions): AutostartOptions {
  if (typeof options !== 'object' || options === null || typeof options.enabled !== 'boolean') {
    throw new InvalidArgumentError('options.enabled must be a boolean: setAutostart(x, { enabled: true })', { path: 'enabled' });
  }
  return options;
}

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
