import { collectDefaultMetrics, Registry } from 'prom-client';
import { maskPhoneNumbers } from '../masking/mask-phone-numbers';
import { TelemetryError } from '../telemetry.errors';

/** The label every series of a service carries, set as a registry default label. */
export const SERVICE_LABEL = 'service';

export interface CreateMetricsRegistryOptions {
  /** Service name, the value of the `service` label on every series (for example `dialer-service`). */
  service: string;
  /** Node.js process metrics (CPU, memory, event-loop lag, GC); on by default. */
  collectDefault?: boolean;
}

/**
 * A registry of its own per service (never prom-client's global one, so tests and several
 * registries in one process cannot collide). The default Node.js metrics keep their standard
 * names (`process_cpu_seconds_total`, `nodejs_eventloop_lag_seconds`, ...) that stock
 * dashboards expect; services are told apart by the `service` label rather than by a name
 * prefix, so one query covers all of them.
 */
export function createMetricsRegistry(options: CreateMetricsRegistryOptions): Registry {
  if (maskPhoneNumbers(options.service) !== options.service) {
    throw new TelemetryError('METRIC_LABEL_PHONE_NUMBER', 'the service name looks like a phone number');
  }
  const registry = new Registry();
  registry.setDefaultLabels({ [SERVICE_LABEL]: options.service });
  if (options.collectDefault ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}

export interface MetricsResponse {
  contentType: string;
  body: string;
}

/** What a `/metrics` endpoint sends: the Prometheus text exposition of the registry. */
export async function metricsHandler(registry: Registry): Promise<MetricsResponse> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
