import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { NatsBus } from '@autotelesale/messaging';
import { createCounter, createGauge, createHistogram, type HistogramMetric } from '@autotelesale/telemetry';
import { HealthService } from '../health.service';
import type { ServiceConfig } from '../service-config';
import { METRICS_REGISTRY, SERVICE_CONFIG } from '../service-kit.constants';

/** Request latencies from 1 ms to 10 s. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A scrape must not hang on a NATS server that does not answer. */
const CONSUMER_POLL_TIMEOUT_MS = 2_000;

/**
 * The metrics every service has, defined once: HTTP and NATS request latency (both sides),
 * events published and handled, the pending messages of the service's durable consumers
 * (polled from JetStream on each scrape) and whether each dependency is up. Labels are
 * route templates, operation names, event types, codes and consumer names: never an id.
 */
@Injectable()
export class ServiceMetrics implements OnModuleDestroy {
  readonly httpDuration: HistogramMetric<'method' | 'route' | 'status'>;
  private readonly stopObserving: () => void;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    bus: NatsBus,
    health: HealthService,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
  ) {
    this.httpDuration = createHistogram(registry, {
      name: 'autotelesale_http_request_duration_seconds',
      help: 'HTTP requests answered (API, probes, scrapes), by method, route template and status code',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: LATENCY_BUCKETS,
    });
    const requestDuration = createHistogram(registry, {
      name: 'autotelesale_nats_request_duration_seconds',
      help: 'NATS requests this service sent, until the reply, by operation and outcome (ok or error code)',
      labelNames: ['rpc', 'outcome'] as const,
      buckets: LATENCY_BUCKETS,
    });
    const handlerDuration = createHistogram(registry, {
      name: 'autotelesale_nats_handler_duration_seconds',
      help: 'NATS requests this service answered, by operation and outcome (ok or error code)',
      labelNames: ['rpc', 'outcome'] as const,
      buckets: LATENCY_BUCKETS,
    });
    const published = createCounter(registry, {
      name: 'autotelesale_nats_events_published_total',
      help: 'Events published to JetStream, by event type (a duplicate publish counts once more)',
      labelNames: ['type'] as const,
    });
    const consumed = createHistogram(registry, {
      name: 'autotelesale_nats_event_handler_duration_seconds',
      help: 'JetStream events handled through the bus, by durable consumer, event type and result (ack, nak)',
      labelNames: ['consumer', 'type', 'result'] as const,
      buckets: LATENCY_BUCKETS,
    });
    this.stopObserving = bus.observe({
      requestFinished: (o) => requestDuration.observe({ rpc: o.rpc, outcome: o.outcome }, o.seconds),
      handled: (o) => handlerDuration.observe({ rpc: o.rpc, outcome: o.outcome }, o.seconds),
      published: (o) => published.inc({ type: o.type }),
      consumed: (o) => consumed.observe({ consumer: o.durable, type: o.type, result: o.result }, o.seconds),
    });

    const consumers = new ConsumerLagPoller(bus, config);
    createGauge(registry, {
      name: 'autotelesale_nats_consumer_pending_messages',
      help: "Messages not yet delivered to each of this service's durable JetStream consumers (num_pending)",
      labelNames: ['stream', 'consumer'] as const,
      collect: async (gauge) => {
        const rows = await consumers.poll();
        gauge.reset();
        for (const r of rows) gauge.set({ stream: r.stream, consumer: r.consumer }, r.pending);
      },
    });
    createGauge(registry, {
      name: 'autotelesale_nats_consumer_ack_pending_messages',
      help: "Messages delivered to each of this service's durable consumers and not yet acknowledged",
      labelNames: ['stream', 'consumer'] as const,
      collect: async (gauge) => {
        const rows = await consumers.poll();
        gauge.reset();
        for (const r of rows) gauge.set({ stream: r.stream, consumer: r.consumer }, r.ackPending);
      },
    });
    createGauge(registry, {
      name: 'autotelesale_dependency_up',
      help: 'Whether each dependency of the readiness probe answers (1) or not (0): nats, postgres, freeswitch:<node>, ...',
      labelNames: ['dependency'] as const,
      collect: async (gauge) => {
        gauge.reset();
        for (const d of await health.dependencies()) gauge.set({ dependency: d.name }, d.ok ? 1 : 0);
      },
    });
  }

  onModuleDestroy(): void {
    this.stopObserving();
  }
}

interface ConsumerLag {
  stream: string;
  consumer: string;
  pending: number;
  ackPending: number;
}

/**
 * Reads `num_pending` and `num_ack_pending` of the service's own durable consumers (named
 * `<ns>_<service>_<purpose>` by libs/contracts) in every stream of the topology. One read
 * serves both gauges of a scrape; a read that fails or takes too long yields no rows.
 */
class ConsumerLagPoller {
  private last: { at: number; rows: Promise<ConsumerLag[]> } | undefined;

  constructor(
    private readonly bus: NatsBus,
    private readonly config: ServiceConfig,
  ) {}

  poll(): Promise<ConsumerLag[]> {
    const now = Date.now();
    if (!this.last || now - this.last.at > 1_000) this.last = { at: now, rows: this.read() };
    return this.last.rows;
  }

  private async read(): Promise<ConsumerLag[]> {
    if (this.bus.nc.isClosed()) return [];
    const prefix = this.bus.topology.consumers.durable(this.config.service, '');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ConsumerLag[]>((resolve) => {
      timer = setTimeout(() => resolve([]), CONSUMER_POLL_TIMEOUT_MS);
    });
    const read = (async () => {
      const rows: ConsumerLag[] = [];
      for (const stream of Object.values(this.bus.topology.streams)) {
        for await (const info of this.bus.jsm.consumers.list(stream.name)) {
          if (!info.name.startsWith(prefix)) continue;
          rows.push({
            stream: stream.name,
            consumer: info.name,
            pending: info.num_pending,
            ackPending: info.num_ack_pending,
          });
        }
      }
      return rows;
    })().catch(() => [] as ConsumerLag[]);
    try {
      return await Promise.race([read, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
