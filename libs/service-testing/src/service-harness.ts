import type { INestApplication } from '@nestjs/common';
import { createTopology, type Topology } from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { bootstrapService, type ServiceKitOptions } from '@autotelesale/service-kit';
import {
  createTestDatabase,
  deleteNamespaceStreams,
  ensureNats,
  freePort,
  testNamespace,
  type TestDatabase,
} from '@autotelesale/testing';

export interface ServiceUnderTest {
  app: INestApplication;
  /** A NATS client of the test itself, in the service's namespace. */
  bus: NatsBus;
  topology: Topology;
  db?: TestDatabase;
  httpPort: number;
  stop(): Promise<void>;
}

/**
 * Starts a real service in-process on real NATS (its own namespace) and, when it owns
 * tables, a fresh PostgreSQL database with its migrations applied at start-up. Logs at
 * `warn` unless LOG_LEVEL says otherwise.
 */
export async function startServiceForTest(
  rootModule: unknown,
  service: ServiceKitOptions,
  options: { env?: Record<string, string> } = {},
): Promise<ServiceUnderTest> {
  const natsUrl = await ensureNats();
  const namespace = testNamespace();
  const db = service.database ? await createTestDatabase() : undefined;
  const httpPort = await freePort();
  Object.assign(process.env, {
    ATS_NATS_URL: natsUrl,
    ATS_NAMESPACE: namespace,
    ATS_HTTP_PORT: String(httpPort),
    ATS_HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
    ...(db ? { ATS_DATABASE_URL: db.url } : {}),
    ...options.env,
  });
  const app = await bootstrapService(rootModule, { service: service.service });
  const topology = createTopology(namespace);
  const bus = await NatsBus.connect({ servers: natsUrl, name: `test-${namespace}`, topology });
  return {
    app,
    bus,
    topology,
    db,
    httpPort,
    stop: async () => {
      await bus.drain();
      await app.close();
      await db?.drop();
      await deleteNamespaceStreams(natsUrl, namespace);
    },
  };
}
