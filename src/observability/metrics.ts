/**
 * Metrics built from the SDK's own tracing channels (the one source of what
 * happened: `libvirt-manager:rpc:call` and `libvirt-manager:operation`) and
 * the connection's counters. A collector costs nothing until it is made, and
 * nothing after `close()`.
 *
 * @module
 */
import { type TracingChannel, tracingChannel } from 'node:diagnostics_channel';
import {
  type ConnectionStats,
  InvalidArgumentError,
  type LibvirtConnection,
  RPC_CALL_CHANNEL,
  type RpcCallMessage,
} from '../connection/internal.js';
import { OPERATION_CHANNEL, type OperationMessage } from '../runtime/index.js';

/** Upper bounds (ms) of the latency histogram buckets; the last bucket is `+Inf`. */
export const LATENCY_BUCKETS_MS: readonly number[] = [0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000];

/** A latency histogram: `counts[i]` calls took at most `LATENCY_BUCKETS_MS[i]` ms and more than the bucket before; the last count is `+Inf`. Not cumulative. */
export interface LatencyHistogram {
  counts: number[];
  /** Sum of every duration, ms. */
  sumMs: number;
  count: number;
}

/** What the collector knows of one procedure. */
export interface ProcedureMetrics {
  calls: number;
  /** Calls that ended in an error, by error code (`VIR_ERR_NO_DOMAIN`, `ERR_LIBVIRT_TIMEOUT`…). */
  errors: Record<string, number>;
  bytesOut: number;
  bytesIn: number;
  latency: LatencyHistogram;
}

/** Counts of an operation kind, or of one VM's operations. */
export interface OperationCounts {
  count: number;
  failures: number;
}

/** A point-in-time copy of everything collected (plain data: serialise it as you like). */
export interface MetricsSnapshot {
  /** RPC calls started and not settled, over every connection of the process. */
  callsInFlight: number;
  /** By libvirt procedure name. */
  procedures: Record<string, ProcedureMetrics>;
  /** By operation (`create`, `start`, `attachDisk`…). */
  operations: Record<string, OperationCounts>;
  /** By VM name (at most `maxVms`; see `vmsNotTracked`). */
  vms: Record<string, OperationCounts>;
  /** Operations on VMs beyond `maxVms`, counted in `operations` but not per VM. */
  vmsNotTracked: number;
  /** The counters of the connections given to the collector, by the key given. */
  connections: Record<string, ConnectionStats>;
}

/** Options of {@link LibvirtMetrics}. */
export interface LibvirtMetricsOptions {
  /** Connections whose counters (`stats`: calls in flight, reconnects, events received and dropped) the snapshot includes, by a key of your choice. */
  connections?: Record<string, LibvirtConnection>;
  /** Most VMs counted one by one (memory stays bounded on hosts with many VMs). @default 10000 */
  maxVms?: number;
}

const emptyHistogram = (): LatencyHistogram => ({ counts: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0), sumMs: 0, count: 0 });

function observe(histogram: LatencyHistogram, ms: number): void {
  let i = 0;
  while (i < LATENCY_BUCKETS_MS.length && ms > LATENCY_BUCKETS_MS[i]!) i++;
  histogram.counts[i]!++;
  histogram.sumMs += ms;
  histogram.count++;
}

/**
 * Collects call latency per procedure, calls in flight, operation counts and
 * failures (per operation and per VM) from the tracing channels, and reads
 * the connections' counters when asked. Process-wide: it sees every
 * connection's calls (the channels are global).
 *
 * @example
 * const metrics = new LibvirtMetrics({ connections: { host1: manager.connection } });
 * // … later, e.g. on a /metrics request:
 * const { procedures, operations, connections } = metrics.snapshot();
 * metrics.close();
 */
export class LibvirtMetrics implements Disposable {
  readonly #rpc: TracingChannel<unknown, RpcCallMessage & object> = tracingChannel(RPC_CALL_CHANNEL);
  readonly #ops: TracingChannel<unknown, OperationMessage & object> = tracingChannel(OPERATION_CHANNEL);
  readonly #connections: Record<string, LibvirtConnection>;
  readonly #maxVms: number;
  readonly #procedures = new Map<string, ProcedureMetrics>();
  readonly #operations = new Map<string, OperationCounts>();
  readonly #vms = new Map<string, OperationCounts>();
  #vmsNotTracked = 0;
  #inFlight = 0;
  #closed = false;

  readonly #rpcHandlers = {
    start: (): void => {
      this.#inFlight++;
    },
    end: (): void => undefined,
    asyncStart: (): void => undefined,
    error: (): void => undefined,
    asyncEnd: (message: RpcCallMessage): void => {
      this.#inFlight--;
      let entry = this.#procedures.get(message.name);
      if (entry === undefined) {
        entry = { calls: 0, errors: {}, bytesOut: 0, bytesIn: 0, latency: emptyHistogram() };
        this.#procedures.set(message.name, entry);
      }
      entry.calls++;
      entry.bytesOut += message.bytesOut;
      entry.bytesIn += message.bytesIn ?? 0;
      if (message.durationMs !== undefined) observe(entry.latency, message.durationMs);
      if ('error' in message) {
        const code = message.errorCode ?? 'unknown';
        entry.errors[code] = (entry.errors[code] ?? 0) + 1;
      }
    },
  };

  readonly #opHandlers = {
    start: (): void => undefined,
    end: (): void => undefined,
    asyncStart: (): void => undefined,
    error: (): void => undefined,
    asyncEnd: (message: OperationMessage): void => {
      const failed = 'error' in message;
      bump(this.#operations, message.operation, failed);
      const vm = message.domain?.name ?? message.vm;
      if (this.#vms.has(vm) || this.#vms.size < this.#maxVms) bump(this.#vms, vm, failed);
      else this.#vmsNotTracked++;
    },
  };

  /** @throws InvalidArgumentError for a bad `maxVms` or `connections` */
  constructor(options: LibvirtMetricsOptions = {}) {
    const maxVms = options.maxVms ?? 10_000;
    if (!Number.isSafeInteger(maxVms) || maxVms < 0) throw new InvalidArgumentError('maxVms must be an integer ≥ 0', { path: 'maxVms' });
    const connections = options.connections ?? {};
    if (connections === null || typeof connections !== 'object')
      throw new InvalidArgumentError('connections must be an object of LibvirtConnection by key', { path: 'connections' });
    this.#maxVms = maxVms;
    this.#connections = { ...connections };
    this.#rpc.subscribe(this.#rpcHandlers);
    this.#ops.subscribe(this.#opHandlers);
  }

  /** A copy of everything collected so far (and the connections' counters now). */
  snapshot(): MetricsSnapshot {
    const copy = <T>(value: T): T => structuredClone(value);
    return {
      callsInFlight: this.#inFlight,
      procedures: Object.fromEntries([...this.#procedures].map(([k, v]) => [k, copy(v)])),
      operations: Object.fromEntries([...this.#operations].map(([k, v]) => [k, { ...v }])),
      vms: Object.fromEntries([...this.#vms].map(([k, v]) => [k, { ...v }])),
      vmsNotTracked: this.#vmsNotTracked,
      connections: Object.fromEntries(Object.entries(this.#connections).map(([k, c]) => [k, c.stats])),
    };
  }

  /** Stop collecting (unsubscribes; the channels are free again when nobody else listens). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#rpc.unsubscribe(this.#rpcHandlers);
    this.#ops.unsubscribe(this.#opHandlers);
  }

  /** `using metrics = new LibvirtMetrics()` closes it at the end of the scope. */
  [Symbol.dispose](): void {
    this.close();
  }
}

function bump(map: Map<string, OperationCounts>, key: string, failed: boolean): void {
  let entry = map.get(key);
  if (entry === undefined) {
    entry = { count: 0, failures: 0 };
    map.set(key, entry);
  }
  entry.count++;
  if (failed) entry.failures++;
}
