import type { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import { createTopology, type EventEnvelope, type Topology } from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { bootstrapService } from '@autotelesale/service-kit';
import {
  createTestDatabase,
  deleteNamespaceStreams,
  ensureNats,
  freePort,
  testNamespace,
  waitFor,
  type TestDatabase,
} from '@autotelesale/testing';
import { AppModule } from '../src/app.module';

const PURPOSES = ['calls', 'agents', 'campaigns'] as const;

/**
 * reporting-service on real NATS and PostgreSQL, with one database and one namespace
 * that outlive the app: the test can stop it mid-stream and start it again, or reset its
 * durable consumers to replay the streams from the start. Built from the harness pieces
 * (startServiceForTest drops the database when its service stops).
 */
export interface ReportingHarness {
  bus: NatsBus;
  topology: Topology;
  db: TestDatabase;
  /** The test's own connection to the schema, to look at what was stored. */
  pg: Pool;
  app: INestApplication | null;
  httpPort: number;
  start(): Promise<INestApplication>;
  stop(): Promise<void>;
  /** Publishes events to their streams, in the order given. */
  publish(events: readonly EventEnvelope[]): Promise<void>;
  /** Publishes copies of events as a producer would after the duplicate window (same envelope, new message id). */
  publishCopies(events: readonly EventEnvelope[]): Promise<void>;
  /** Publishes raw bytes on a subject (bad events). */
  publishRaw(subject: string, data: string): Promise<void>;
  /** Deletes reporting's durable consumers: the next start replays every stream from its first event. */
  resetConsumers(): Promise<void>;
  /** Waits until every durable of reporting has nothing pending and nothing unacknowledged. */
  waitUntilCaughtUp(timeoutMs?: number): Promise<void>;
  scrape(): Promise<string>;
  close(): Promise<void>;
}

export function subjectOf(topology: Topology, event: EventEnvelope): string {
  if (event.type.startsWith('call.')) return topology.events.call(event.aggregateId);
  if (event.type.startsWith('agent.')) return topology.events.agent(event.aggregateId);
  const campaignId = (event.payload as { disposition?: { campaignId: string }; campaign?: { id: string } })
    .disposition?.campaignId;
  return topology.events.campaign(
    campaignId ?? (event.payload as { campaign: { id: string } }).campaign?.id ?? event.aggregateId,
  );
}

export async function startReportingHarness(env: Record<string, string> = {}): Promise<ReportingHarness> {
  const natsUrl = await ensureNats();
  const namespace = testNamespace();
  const db = await createTestDatabase();
  const topology = createTopology(namespace);
  const httpPort = await freePort();
  const bus = await NatsBus.connect({ servers: natsUrl, name: `test-${namespace}`, topology });
  await bus.ensureStreams();
  const pg = new Pool({ connectionString: db.url, options: '-c search_path=reporting', max: 3 });
  pg.on('error', () => undefined);
  const encoder = new TextEncoder();

  const durables = () =>
    PURPOSES.map((purpose) => ({
      stream: topology.streams[purpose].name,
      durable: topology.consumers.durable('reporting', purpose),
    }));

  const harness: ReportingHarness = {
    bus,
    topology,
    db,
    pg,
    app: null,
    httpPort,
    start: async () => {
      Object.assign(process.env, {
        ATS_NATS_URL: natsUrl,
        ATS_NAMESPACE: namespace,
        ATS_HTTP_PORT: String(httpPort),
        ATS_HTTP_HOST: '127.0.0.1',
        ATS_DATABASE_URL: db.url,
        ATS_INSTANCE_ID: `reporting-test-${namespace}`,
        ATS_REPORTING_GAUGE_REFRESH_MS: '0',
        ATS_REPORTING_ACK_WAIT_MS: '2000',
        LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'error',
        ...env,
      });
      harness.app = await bootstrapService(AppModule, { service: 'reporting' });
      return harness.app;
    },
    stop: async () => {
      const app = harness.app;
      harness.app = null;
      await app?.close();
    },
    publish: async (events) => {
      for (const event of events) await bus.publishEvent(subjectOf(topology, event), event);
    },
    publishCopies: async (events) => {
      for (const event of events) {
        await bus.js.publish(subjectOf(topology, event), encoder.encode(JSON.stringify(event)), {
          msgID: `copy-${event.id}-${Math.random()}`,
        });
      }
    },
    publishRaw: async (subject, data) => {
      await bus.js.publish(subject, encoder.encode(data));
    },
    resetConsumers: async () => {
      for (const { stream, durable } of durables()) {
        await bus.jsm.consumers.delete(stream, durable).catch(() => undefined);
      }
    },
    waitUntilCaughtUp: async (timeoutMs = 20_000) => {
      await waitFor(
        async () => {
          for (const { stream, durable } of durables()) {
            const info = await bus.jsm.consumers.info(stream, durable);
            if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
          }
          return true;
        },
        { timeoutMs, intervalMs: 50, description: 'reporting consumers to catch up' },
      );
    },
    scrape: async () => {
      const response = await fetch(`http://127.0.0.1:${httpPort}/metrics`);
      return response.text();
    },
    close: async () => {
      await harness.stop();
      await bus.drain();
      await pg.end();
      await db.drop();
      await deleteNamespaceStreams(natsUrl, namespace);
    },
  };
  return harness;
}

/** The value of one sample of a Prometheus scrape, or undefined. */
export function sampleValue(
  scrape: string,
  name: string,
  labels: Record<string, string>,
): number | undefined {
  for (const line of scrape.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const match = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const found: Record<string, string> = {};
    for (const pair of (match[1] ?? '').matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g))
      found[pair[1]!] = pair[2]!;
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[2]);
  }
  return undefined;
}
