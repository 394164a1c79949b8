import type { INestApplication } from '@nestjs/common';
import { createTopology, type ServiceName, type Topology } from '@autotelesale/contracts';
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

export interface StackMember {
  module: unknown;
  options: ServiceKitOptions;
  env?: Record<string, string>;
}

export interface StackUnderTest {
  /** The running services by name, each with its HTTP port. */
  services: Partial<Record<ServiceName, { app: INestApplication; httpPort: number }>>;
  /** A NATS client of the test itself, in the stack's namespace. */
  bus: NatsBus;
  topology: Topology;
  /** One database for the whole stack; each service keeps to its own schema in it. */
  db?: TestDatabase;
  /** Stops one service (to test what the others do without it). */
  stopService(name: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts several real services in-process, in one NATS namespace and one fresh
 * database (as in production, one schema per service), in the order given.
 */
export async function startStackForTest(
  members: StackMember[],
  env: Record<string, string> = {},
): Promise<StackUnderTest> {
  const natsUrl = await ensureNats();
  const namespace = testNamespace();
  const db = members.some((m) => m.options.database) ? await createTestDatabase() : undefined;
  const services: StackUnderTest['services'] = {};
  const started: Array<{ name: ServiceName; app: INestApplication }> = [];
  try {
    for (const member of members) {
      const httpPort = await freePort();
      // Config is read from the environment while the app is created, one app at a time.
      Object.assign(process.env, {
        ATS_NATS_URL: natsUrl,
        ATS_NAMESPACE: namespace,
        ATS_HTTP_PORT: String(httpPort),
        ATS_HTTP_HOST: '127.0.0.1',
        ATS_INSTANCE_ID: `${member.options.service}-test`,
        LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
        ...(db ? { ATS_DATABASE_URL: db.url } : {}),
        ...env,
        ...member.env,
      });
      const app = await bootstrapService(member.module, { service: member.options.service });
      services[member.options.service] = { app, httpPort };
      started.push({ name: member.options.service, app });
    }
  } catch (error) {
    for (const { app } of started.reverse()) await app.close().catch(() => undefined);
    await db?.drop().catch(() => undefined);
    throw error;
  }
  const topology = createTopology(namespace);
  const bus = await NatsBus.connect({ servers: natsUrl, name: `test-${namespace}`, topology });
  const stopped = new Set<ServiceName>();
  const stopService = async (name: ServiceName) => {
    if (stopped.has(name)) return;
    stopped.add(name);
    await services[name]?.app.close();
  };
  return {
    services,
    bus,
    topology,
    db,
    stopService,
    stop: async () => {
      await bus.drain();
      for (const { name } of [...started].reverse()) await stopService(name);
      await db?.drop();
      await deleteNamespaceStreams(natsUrl, namespace);
    },
  };
}
