export interface TracingDecision {
  enabled: boolean;
  /** Why, in a few words, for the start-up log line. */
  reason: string;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
}

/**
 * Whether the standard `OTEL_*` variables ask for traces. The SDK is started only when they
 * do, so a developer machine or a test run never tries to reach a collector that is not there.
 *
 * - `OTEL_SDK_DISABLED=true` wins over everything.
 * - `OTEL_TRACES_EXPORTER` set: enabled unless it lists `none`.
 * - otherwise enabled when `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or
 *   `OTEL_EXPORTER_OTLP_ENDPOINT` is set (the exporter then defaults to OTLP).
 */
export function tracingConfigFromEnv(env: NodeJS.ProcessEnv = process.env): TracingDecision {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') {
    return { enabled: false, reason: 'OTEL_SDK_DISABLED=true' };
  }
  const exporters = list(env['OTEL_TRACES_EXPORTER']);
  if (exporters.includes('none')) return { enabled: false, reason: 'OTEL_TRACES_EXPORTER=none' };
  if (exporters.length > 0) return { enabled: true, reason: `OTEL_TRACES_EXPORTER=${exporters.join(',')}` };
  for (const key of ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT']) {
    if (env[key]?.trim()) return { enabled: true, reason: `${key} is set` };
  }
  return { enabled: false, reason: 'no trace exporter configured in OTEL_* variables' };
}
