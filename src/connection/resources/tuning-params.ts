/**
 * What every tunable group shares: the option check, the "ask for the count,
 * then for that many" read, the record a reading becomes, and one time budget
 * for the several calls a method makes.
 */
import { checkKeys } from '../../errors/index.js';
import { CALL_OPTION_KEYS, type CallOptions, type TypedParam, type TypedParamRecordValue, checkCallOptions } from '../../rpc/index.js';
import { remaining } from '../link-waiters.js';
import { type ModificationImpact, impactFlags } from './impact.js';
import type { ResourceCall } from './types.js';

/**
 * A tunable group as a plain object keyed by libvirt's field names
 * (`cpu_shares`, `hard_limit`, `inbound.average`…). Each field keeps its
 * daemon type: `int`/`uint`/`double` → `number`, `llong`/`ullong` → `bigint`,
 * `boolean`, `string`.
 */
export type TuningParams = Record<string, TypedParamRecordValue>;

/**
 * Values to set, keyed by libvirt's field names. Numbers are converted to the
 * type the daemon reports for each field; 64-bit values past 2^53 must be `bigint`.
 */
export type TuningValues = Readonly<Record<string, TypedParamRecordValue>>;

/** Options of the tunable reads and changes: which definition, and the call's `{ signal, timeout }` (the whole method's). */
export interface TuningOptions extends CallOptions, ModificationImpact {}

const TUNING_OPTION_KEYS = { ...CALL_OPTION_KEYS, live: true, config: true, current: true } as const;

/**
 * Check a tunable method's options before anything is sent (unknown keys,
 * signal, timeout, the impact flags) and return the flags.
 * @throws InvalidArgumentError naming the option
 */
export function tuningFlags(options: TuningOptions, mode: 'read' | 'change', extraKeys: Readonly<Record<string, true>> = {}): number {
  checkCallOptions(options, 0);
  checkKeys(options, { ...TUNING_OPTION_KEYS, ...extraKeys }, '', { kind: 'option' });
  return impactFlags(options, mode);
}

/**
 * A call function whose calls share one deadline: each gets the time left of
 * `options.timeout` since the method began (a method here makes two to four
 * calls: the lookup, a read, the change). Without a timeout, each call has the
 * connection's default.
 */
export function budgeted(call: ResourceCall, options: CallOptions): ResourceCall {
  if (options.timeout === undefined || options.timeout === 0) return call;
  const started = Date.now();
  return (procedure, args, own) => call(procedure, args, remaining({ ...options, ...own }, started, 0));
}

/**
 * libvirt's two-call read of a counted group: `nparams = 0` returns no
 * values, only how many there are; then ask for that many. A group with no
 * parameters costs one call.
 */
export async function readCounted(fetch: (nparams: number) => Promise<{ params: TypedParam[]; nparams: number }>): Promise<TypedParam[]> {
  const { nparams } = await fetch(0);
  if (nparams <= 0) return [];
  return (await fetch(nparams)).params;
}
