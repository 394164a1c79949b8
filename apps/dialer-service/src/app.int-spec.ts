import { healthRpc } from '@autotelesale/contracts';
import { startServiceForTest, type ServiceUnderTest } from '@autotelesale/service-testing';
import { AppModule, SERVICE_OPTIONS } from './app.module';

let dialer: ServiceUnderTest;

beforeAll(async () => {
  dialer = await startServiceForTest(AppModule, SERVICE_OPTIONS);
});

afterAll(async () => {
  await dialer?.stop();
});

it('answers health over NATS in its namespace', async () => {
  const health = await dialer.bus.request(healthRpc('dialer'), {});
  expect(health).toMatchObject({ service: 'dialer', dependencies: [{ name: 'nats', ok: true }] });
});

it('creates the JetStream streams of its namespace at start-up', async () => {
  const names: string[] = [];
  for await (const info of dialer.bus.jsm.streams.list()) names.push(info.config.name);
  expect(names).toEqual(expect.arrayContaining(Object.values(dialer.topology.streams).map((s) => s.name)));
});
