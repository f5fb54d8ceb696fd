/**
 * Metrics from the SDK's tracing channels and connection counters
 * (docs/observability.md). Exported from the package root.
 *
 * @module
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
