import type { Codec } from '../xdr/index.js';
import { REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION } from './constants.js';

/**
 * A typed description of one remote procedure: its number, libvirt's name, and
 * the codecs of its arguments and result. One generic `client.call()` runs
 * them all.
 *
 * @example
 * const DOMAIN_GET_STATE = procedure(212, 'DOMAIN_GET_STATE',
 *   struct({ dom: nonnullDomain, flags: uint }), struct({ state: int, reason: int }), { priority: 'high' });
 */
export interface Procedure<A, R> {
  /** Program number (`REMOTE_PROGRAM` unless stated). */
  readonly program: number;
  /** Program version. */
  readonly version: number;
  /** Procedure number (`REMOTE_PROC_…`). */
  readonly proc: number;
  /** libvirt's name without the `REMOTE_PROC_` prefix. */
  readonly name: string;
  /** Codec of `remote_<name>_args` (`xdrVoid` when there is none). */
  readonly args: Codec<A>;
  /** Codec of `remote_<name>_ret` (`xdrVoid` when there is none). */
  readonly ret: Codec<R>;
  /** libvirt's `@priority` annotation: high-priority calls are served even when normal workers are busy. */
  readonly priority: 'high' | 'low';
  /** Set for `@readstream` / `@writestream` procedures: data follows the reply as STREAM packets. */
  readonly stream?: 'read' | 'write' | 'both';
}

/** Arguments type of a procedure. */
export type ProcArgs<P> = P extends Procedure<infer A, unknown> ? A : never;
/** Result type of a procedure. */
export type ProcRet<P> = P extends Procedure<unknown, infer R> ? R : never;

/** Options of {@link procedure}. */
export interface ProcedureOptions {
  priority?: 'high' | 'low';
  stream?: 'read' | 'write' | 'both';
  program?: number;
  version?: number;
}

/** Define a procedure descriptor. */
export function procedure<A, R>(
  proc: number,
  name: string,
  args: Codec<A>,
  ret: Codec<R>,
  options: ProcedureOptions = {},
): Procedure<A, R> {
  return Object.freeze({
    program: options.program ?? REMOTE_PROGRAM,
    version: options.version ?? REMOTE_PROTOCOL_VERSION,
    proc,
    name,
    args,
    ret,
    priority: options.priority ?? 'low',
    ...(options.stream === undefined ? {} : { stream: options.stream }),
  });
}

/**
 * A typed description of an asynchronous message the daemon sends (an event):
 * its procedure number, name and payload codec.
 */
export interface EventMessage<T> {
  readonly program: number;
  readonly proc: number;
  readonly name: string;
  readonly msg: Codec<T>;
}

/** Define an event message descriptor. */
export function eventMessage<T>(proc: number, name: string, msg: Codec<T>, program = REMOTE_PROGRAM): EventMessage<T> {
  return Object.freeze({ program, proc, name, msg });
}
