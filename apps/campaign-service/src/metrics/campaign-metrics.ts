import { Inject, Injectable } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@autotelesale/service-kit';
import {
  createCounter,
  createHistogram,
  type CounterMetric,
  type HistogramMetric,
} from '@autotelesale/telemetry';

/** What campaign-service counts on /metrics (no campaign label: campaigns are many and short-lived). */
@Injectable()
export class CampaignMetrics {
  readonly importRows: CounterMetric<'result'>;
  readonly leased: CounterMetric;
  readonly leaseExpirations: CounterMetric;
  readonly outcomes: CounterMetric<'outcome'>;
  readonly leaseSeconds: HistogramMetric;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.importRows = createCounter(registry, {
      name: 'autotelesale_campaign_import_rows_total',
      help: 'Imported rows by result (accepted, merged, rejected)',
      labelNames: ['result'] as const,
    });
    this.leased = createCounter(registry, {
      name: 'autotelesale_campaign_contacts_leased_total',
      help: 'Contacts leased to dialers',
    });
    this.leaseExpirations = createCounter(registry, {
      name: 'autotelesale_campaign_lease_expirations_total',
      help: 'Leases that expired and returned their contact to the queue',
    });
    this.outcomes = createCounter(registry, {
      name: 'autotelesale_campaign_outcomes_total',
      help: 'Attempt outcomes recorded (first report only), by outcome',
      labelNames: ['outcome'] as const,
    });
    this.leaseSeconds = createHistogram(registry, {
      name: 'autotelesale_campaign_lease_duration_seconds',
      help: 'Time to answer a lease request',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    });
  }
}
