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
  /** The running services by name (the first instance of each), each with its HTTP port. */
  services: Partial<Record<ServiceName, { app: INestApplication; httpPort: number }>>;
  /** Every instance started, in order (a service listed twice runs as two replicas). */
  instances: Array<{ name: ServiceName; instanceId: string; app: INestApplication; httpPort: number }>;
  /** A NATS client of the test itself, in the stack's namespace. */
  bus: NatsBus;
  topology: Topology;
  /** One database for the whole stack; each service keeps to its own schema in it. */
  db?: TestDatabase;
  /** Stops every instance of one service (to test what the others do without it). */
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
  const started: StackUnderTest['instances'] = [];
  try {
    for (const member of members) {
      const httpPort = await freePort();
      const replica = started.filter((i) => i.name === member.options.service).length + 1;
      const instanceId = `${member.options.service}-test-${replica}`;
      // Config is read from the environment while the app is created, one app at a time.
      Object.assign(process.env, {
        ATS_NATS_URL: natsUrl,
        ATS_NAMESPACE: namespace,
        ATS_HTTP_PORT: String(httpPort),
        ATS_HTTP_HOST: '127.0.0.1',
        ATS_INSTANCE_ID: instanceId,
        LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
        ...(db ? { ATS_DATABASE_URL: db.url } : {}),
        ...env,
        ...member.env,
      });
      const app = await bootstrapService(member.module, { service: member.options.service });
      services[member.options.service] ??= { app, httpPort };
      started.push({ name: member.options.service, instanceId, app, httpPort });
    }
  } catch (error) {
    for (const { app } of started.reverse()) await app.close().catch(() => undefined);
    await db?.drop().catch(() => undefined);
    throw error;
  }
  const topology = createTopology(namespace);
  const bus = await NatsBus.connect({ servers: natsUrl, name: `test-${namespace}`, topology });
  const closed = new Set<INestApplication>();
  const close = async (app: INestApplication) => {
    if (closed.has(app)) return;
    closed.add(app);
    await app.close();
  };
  const stopService = async (name: ServiceName) => {
    for (const instance of started.filter((i) => i.name === name)) await close(instance.app);
  };
  return {
    services,
    instances: started,
    bus,
    topology,
    db,
    stopService,
    stop: async () => {
      await bus.drain();
      for (const { app } of [...started].reverse()) await close(app);
      await db?.drop();
      await deleteNamespaceStreams(natsUrl, namespace);
    },
  };
}
