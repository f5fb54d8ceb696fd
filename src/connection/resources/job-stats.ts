/**
 * A domain job's statistics (`virDomainGetJobStats`, and the final ones the
 * JOB_COMPLETED event carries), decoded from libvirt's typed parameters into
 * one typed object. Every parameter is also kept as sent, known or not.
 *
 * @module
 */
import { type TypedParam, type TypedParamRecordValue, typedParamsToRecord } from '../../rpc/index.js';

/** `virDomainJobType`, lower-cased: no job, a job of known (`bounded`) or unknown size, and how a finished one ended. */
export type DomainJobType = 'none' | 'bounded' | 'unbounded' | 'completed' | 'failed' | 'cancelled';

/** `virDomainJobOperation`: what the job does. */
export type DomainJobOperation =
  | 'unknown'
  | 'start'
  | 'save'
  | 'restore'
  | 'migration-in'
  | 'migration-out'
  | 'snapshot'
  | 'snapshot-revert'
  | 'dump'
  | 'backup'
  | 'snapshot-delete';

const JOB_TYPES: readonly DomainJobType[] = ['none', 'bounded', 'unbounded', 'completed', 'failed', 'cancelled'];
const OPERATIONS: readonly DomainJobOperation[] = [
  'unknown',
  'start',
  'save',
  'restore',
  'migration-in',
  'migration-out',
  'snapshot',
  'snapshot-revert',
  'dump',
  'backup',
  'snapshot-delete',
];

/**
 * A domain job's statistics. Times are in ms, sizes in bytes, rates in
 * bytes/s (memory_dirty_rate: pages/s). A field is absent when libvirt did
 * not send it: which ones come depends on the job (a backup sends `disk*`, a
 * migration `memory*` and `data*`).
 */
export interface DomainJobStats {
  /** `'none'` when no job runs; a finished job (GET_JOB_STATS with `completed`) is `'completed'`, `'failed'` or `'cancelled'`. */
  type: DomainJobType;
  /** libvirt's number for `type`. */
  typeCode: number;
  operation?: DomainJobOperation | `unknown(${number})`;
  /** Whether a finished job succeeded (JOB_COMPLETED and completed stats). */
  success?: boolean;
  /** Why a finished job failed, e.g. `'Operation canceled'`. */
  errmsg?: string;
  timeElapsed?: number;
  /** The same, corrected for clock skew between hosts (migration). */
  timeElapsedNet?: number;
  timeRemaining?: number;
  downtime?: number;
  downtimeNet?: number;
  setupTime?: number;
  dataTotal?: number;
  dataProcessed?: number;
  dataRemaining?: number;
  diskTotal?: number;
  diskProcessed?: number;
  diskRemaining?: number;
  diskBps?: number;
  /** Scratch space a pull-mode backup uses, and its size. */
  diskTempUsed?: number;
  diskTempTotal?: number;
  memoryTotal?: number;
  memoryProcessed?: number;
  memoryRemaining?: number;
  memoryBps?: number;
  memoryConstant?: number;
  memoryNormal?: number;
  memoryNormalBytes?: number;
  memoryDirtyRate?: number;
  memoryPageSize?: number;
  memoryIteration?: number;
  memoryPostcopyRequests?: number;
  /** Percent of vCPU throttling by auto-converge (migration). */
  autoConvergeThrottle?: number;
  /** Every parameter as libvirt named and sent it, including those without a field above. */
  params: Record<string, TypedParamRecordValue>;
}

/** libvirt parameter → field, for the numeric ones. */
const NUMERIC: Record<string, keyof DomainJobStats> = {
  time_elapsed: 'timeElapsed',
  time_elapsed_net: 'timeElapsedNet',
  time_remaining: 'timeRemaining',
  downtime: 'downtime',
  downtime_net: 'downtimeNet',
  setup_time: 'setupTime',
  data_total: 'dataTotal',
  data_processed: 'dataProcessed',
  data_remaining: 'dataRemaining',
  disk_total: 'diskTotal',
  disk_processed: 'diskProcessed',
  disk_remaining: 'diskRemaining',
  disk_bps: 'diskBps',
  disk_temp_used: 'diskTempUsed',
  disk_temp_total: 'diskTempTotal',
  memory_total: 'memoryTotal',
  memory_processed: 'memoryProcessed',
  memory_remaining: 'memoryRemaining',
  memory_bps: 'memoryBps',
  memory_constant: 'memoryConstant',
  memory_normal: 'memoryNormal',
  memory_normal_bytes: 'memoryNormalBytes',
  memory_dirty_rate: 'memoryDirtyRate',
  memory_page_size: 'memoryPageSize',
  memory_iteration: 'memoryIteration',
  memory_postcopy_requests: 'memoryPostcopyRequests',
  auto_converge_throttle: 'autoConvergeThrottle',
};

/** `virDomainJobType` number → name. */
export function jobTypeName(code: number): DomainJobType {
  return JOB_TYPES[code] ?? 'none';
}

/** `virDomainJobOperation` number → name. */
export function jobOperationName(code: number): DomainJobOperation | `unknown(${number})` {
  return OPERATIONS[code] ?? `unknown(${code})`;
}

/**
 * Decode a job's typed parameters. `typeCode` is GET_JOB_STATS's `type`; a
 * JOB_COMPLETED event has none, so pass `undefined` and the type follows
 * `success` (`'completed'` or `'failed'`: libvirt does not say "cancelled" there,
 * only `errmsg` does).
 *
 * @example decodeJobStats(2, params).diskProcessed
 */
export function decodeJobStats(typeCode: number | undefined, params: readonly TypedParam[]): DomainJobStats {
  const record = typedParamsToRecord(params);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    const field = NUMERIC[key];
    if (field !== undefined && (typeof value === 'number' || typeof value === 'bigint')) out[field] = Number(value);
  }
  const op = record['operation'];
  if (typeof op === 'number') out['operation'] = jobOperationName(op);
  const success = record['success'];
  if (success !== undefined) out['success'] = success === true || success === 1;
  const errmsg = record['errmsg'];
  if (typeof errmsg === 'string') out['errmsg'] = errmsg;
  const code = typeCode ?? (out['success'] === false ? 4 : 3);
  return { type: jobTypeName(code), typeCode: code, ...out, params: record } as DomainJobStats;
}
