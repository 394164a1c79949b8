import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { healthRpc } from '@autotelesale/contracts';
import { checkSchemaDrift } from '@autotelesale/db';
import { startServiceForTest, type ServiceUnderTest } from '@autotelesale/service-testing';
import { AppModule, SERVICE_OPTIONS } from './app.module';
import { GATEWAY_DATABASE } from './db/gateway-db.constants';

let gateway: ServiceUnderTest;

beforeAll(async () => {
  gateway = await startServiceForTest(AppModule, SERVICE_OPTIONS, { env: { ATS_GRPC_PORT: '0' } });
});

afterAll(async () => {
  await gateway?.stop();
});

it('answers its own health over NATS with every dependency up', async () => {
  const health = await gateway.bus.request(healthRpc('gateway'), {});
  expect(health.dependencies.map((d) => [d.name, d.ok])).toEqual([
    ['nats', true],
    ['postgres', true],
    ['prisma', true],
  ]);
});

it('reports each service of the system, and names those that do not answer', async () => {
  // Only the gateway runs in this namespace: the others must show as unavailable, not hang.
  const response = await fetch(`http://127.0.0.1:${gateway.httpPort}/api/v1/system/health`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as {
    ok: boolean;
    services: Array<{ service: string; ok: boolean; error?: { code: string } }>;
  };
  expect(body.ok).toBe(false);
  const byName = Object.fromEntries(body.services.map((s) => [s.service, s]));
  expect(byName['gateway']!.ok).toBe(true);
  for (const missing of ['campaign', 'dialer', 'agent', 'reporting']) {
    expect(byName[missing]).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  }
});

it('has a database that matches its Prisma schema exactly (no drift)', async () => {
  const report = await checkSchemaDrift({
    connectionString: gateway.db!.url,
    schema: GATEWAY_DATABASE.schema,
    prismaSchema: readFileSync(join(__dirname, '..', 'prisma', 'schema.prisma'), 'utf8'),
  });
  expect(report.problems).toEqual([]);
});
