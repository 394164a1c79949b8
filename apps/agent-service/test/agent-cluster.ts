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
  type TestDatabase,
} from '@autotelesale/testing';
import { AppModule } from '../src/app.module';

/**
 * Several agent-service instances in one namespace and one database, as replicas run in
 * production, each startable and stoppable on its own (to test a restart). Built from
 * the harness pieces rather than `startStackForTest`, which keys services by name and so
 * holds one instance per service.
 */
export interface AgentCluster {
  /** A NATS client of the test, in the cluster's namespace. */
  bus: NatsBus;
  topology: Topology;
  db: TestDatabase;
  /** The test's own connection to the service's schema, to look at what was stored. */
  pg: Pool;
  instances: Map<string, INestApplication>;
  startInstance(instanceId: string): Promise<INestApplication>;
  stopInstance(instanceId: string): Promise<void>;
  /** Every event of the agents stream so far, in stream order. */
  readAllAgentEvents(): Promise<EventEnvelope[]>;
  /** Collects the events of one agent from the agents stream, in stream order. */
  watchAgentEvents(agentId: string): Promise<{ events: EventEnvelope[]; stop(): Promise<void> }>;
  stop(): Promise<void>;
}

let watchers = 0;

export async function startAgentCluster(
  instanceIds: string[],
  env: Record<string, string> = {},
): Promise<AgentCluster> {
  const natsUrl = await ensureNats();
  const namespace = testNamespace();
  const db = await createTestDatabase();
  const topology = createTopology(namespace);
  const instances = new Map<string, INestApplication>();

  const startInstance = async (instanceId: string) => {
    // Config is read from the environment while the app is created, one app at a time.
    Object.assign(process.env, {
      ATS_NATS_URL: natsUrl,
      ATS_NAMESPACE: namespace,
      ATS_HTTP_PORT: String(await freePort()),
      ATS_HTTP_HOST: '127.0.0.1',
      ATS_DATABASE_URL: db.url,
      ATS_INSTANCE_ID: instanceId,
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
      ATS_AGENT_SWEEP_INTERVAL_MS: '100',
      ...env,
    });
    const app = await bootstrapService(AppModule, { service: 'agent' });
    instances.set(instanceId, app);
    return app;
  };
  const stopInstance = async (instanceId: string) => {
    const app = instances.get(instanceId);
    instances.delete(instanceId);
    await app?.close();
  };

  for (const id of instanceIds) await startInstance(id);
  const bus = await NatsBus.connect({ servers: natsUrl, name: `test-${namespace}`, topology });
  const pg = new Pool({ connectionString: db.url, options: '-c search_path=agent', max: 3 });
  // The database is dropped WITH (FORCE) at the end: an idle connection's error is expected then.
  pg.on('error', () => undefined);
  const stops: Array<() => Promise<void>> = [];

  return {
    bus,
    topology,
    db,
    pg,
    instances,
    startInstance,
    stopInstance,
    readAllAgentEvents: async () => {
      const stream = topology.streams.agents.name;
      const total = (await bus.jsm.streams.info(stream)).state.messages;
      const events: EventEnvelope[] = [];
      if (total === 0) return events;
      // An ordered consumer: ephemeral, from the first message, nothing left behind.
      const consumer = await bus.js.consumers.get(stream);
      const messages = await consumer.fetch({ max_messages: total, expires: 5_000 });
      for await (const message of messages) {
        events.push(message.json<EventEnvelope>());
        if (events.length === total) break;
      }
      return events;
    },
    watchAgentEvents: async (agentId) => {
      const events: EventEnvelope[] = [];
      watchers += 1;
      const stop = await bus.consume(
        {
          stream: topology.streams.agents.name,
          durable: topology.consumers.durable('agent', `testwatch${watchers}`),
          filterSubject: topology.events.agent(agentId),
        },
        async (event) => {
          events.push(event);
        },
      );
      stops.push(stop);
      return { events, stop };
    },
    stop: async () => {
      for (const stop of stops) await stop().catch(() => undefined);
      await bus.drain();
      for (const id of [...instances.keys()]) await stopInstance(id);
      await pg.end();
      await db.drop();
      await deleteNamespaceStreams(natsUrl, namespace);
    },
  };
}
