import { healthRpc } from '@autotelesale/contracts';
import { startServiceForTest, type ServiceUnderTest } from '@autotelesale/service-testing';
import { AppModule, SERVICE_OPTIONS } from './app.module';

let gateway: ServiceUnderTest;

beforeAll(async () => {
  gateway = await startServiceForTest(AppModule, SERVICE_OPTIONS);
});

afterAll(async () => {
  await gateway?.stop();
});

it('answers its own health over NATS', async () => {
  const health = await gateway.bus.request(healthRpc('gateway'), {});
  expect(health.dependencies).toEqual([expect.objectContaining({ name: 'nats', ok: true })]);
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
