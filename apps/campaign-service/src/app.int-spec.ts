import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { healthRpc } from '@autotelesale/contracts';
import { checkSchemaDrift } from '@autotelesale/db';
import { startServiceForTest, type ServiceUnderTest } from '@autotelesale/service-testing';
import { AppModule, SERVICE_OPTIONS } from './app.module';
import { CAMPAIGN_DATABASE } from './db/campaign-db.constants';

let service: ServiceUnderTest;

beforeAll(async () => {
  service = await startServiceForTest(AppModule, SERVICE_OPTIONS);
});

afterAll(async () => {
  await service?.stop();
});

it('starts on a fresh database and answers health over NATS with every dependency up', async () => {
  const health = await service.bus.request(healthRpc('campaign'), {});
  expect(health.service).toBe('campaign');
  expect(health.dependencies.map((d) => [d.name, d.ok])).toEqual([
    ['nats', true],
    ['postgres', true],
    ['prisma', true],
  ]);
});

it('reports ready on its HTTP probe', async () => {
  const response = await fetch(`http://127.0.0.1:${service.httpPort}/health/ready`);
  expect(response.status).toBe(200);
});

it('has a database that matches its Prisma schema exactly (no drift)', async () => {
  const report = await checkSchemaDrift({
    connectionString: service.db!.url,
    schema: CAMPAIGN_DATABASE.schema,
    prismaSchema: readFileSync(join(__dirname, '..', 'prisma', 'schema.prisma'), 'utf8'),
  });
  expect(report.problems).toEqual([]);
});

it('exposes its own counters on /metrics', async () => {
  const response = await fetch(`http://127.0.0.1:${service.httpPort}/metrics`);
  const text = await response.text();
  for (const name of [
    'autotelesale_campaign_import_rows_total',
    'autotelesale_campaign_contacts_leased_total',
    'autotelesale_campaign_lease_expirations_total',
    'autotelesale_campaign_outcomes_total',
    'autotelesale_campaign_lease_duration_seconds',
  ]) {
    expect(text).toContain(name);
  }
});
