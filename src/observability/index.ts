/**
 * `libvirt-manager/observability`: the tracing channels' names and message
 * types, and metrics built on them and on the connections' counters
 * (docs/observability.md). `LibvirtMetrics` and the channel names are also
 * exported from the package root.
 *
 * @module observability
 */
export {
  LATENCY_BUCKETS_MS,
  LibvirtMetrics,
  type LatencyHistogram,
  type LibvirtMetricsOptions,
  type MetricsSnapshot,
  type OperationCounts,
  type ProcedureMetrics,
} from './metrics.js';
export { RPC_CALL_CHANNEL, type RpcCallMessage, type ConnectionStats } from '../connection/index.js';
export { OPERATION_CHANNEL, type OperationMessage } from '../runtime/index.js';
