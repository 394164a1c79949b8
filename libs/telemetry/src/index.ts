export { TelemetryError, type TelemetryErrorCode } from './telemetry.errors';
export { getInstanceId } from './instance-id';
export {
  maskPhoneNumbers,
  containsPhoneNumber,
  MIN_PHONE_DIGITS,
  KEPT_DIGITS,
} from './masking/mask-phone-numbers';
export {
  maskDeep,
  type MaskDeepOptions,
  MASK_DEFAULTS,
  DEPTH_PLACEHOLDER,
  TRUNCATED_PLACEHOLDER,
} from './masking/mask-deep';
export { createLogger, type CreateLoggerOptions, type LogLevel, type Logger } from './logging/create-logger';
export {
  createMetricsRegistry,
  metricsHandler,
  SERVICE_LABEL,
  type CreateMetricsRegistryOptions,
  type MetricsResponse,
} from './metrics/create-metrics-registry';
export {
  createCounter,
  createGauge,
  createHistogram,
  METRIC_NAMESPACE,
  type CounterMetric,
  type GaugeMetric,
  type HistogramMetric,
  type MetricDefinition,
  type GaugeDefinition,
  type HistogramDefinition,
  type LabelValues,
} from './metrics/metrics';
export { metricNamesInPromQL, exportedMetricNames, exposedLabelValues } from './metrics/promql-metric-names';
export { startTracing, type StartTracingOptions, type TracingHandle } from './tracing/start-tracing';
export { tracingConfigFromEnv, type TracingDecision } from './tracing/tracing-config';
export {
  injectTraceContext,
  extractTraceContext,
  traceLinksFromHeaders,
  type TraceHeaders,
} from './tracing/trace-context';
export { withSpan, type WithSpanOptions } from './tracing/with-span';
