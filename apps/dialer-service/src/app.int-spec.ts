import { dialerStatusRpc, healthRpc } from '@autotelesale/contracts';
import { startServiceForTest, type ServiceUnderTest } from '@autotelesale/service-testing';
import { startFsSimProcess, waitFor, type FsSimProcess } from '@autotelesale/testing';
import { AppModule, SERVICE_OPTIONS } from './app.module';

let fs: FsSimProcess;
let dialer: ServiceUnderTest;

beforeAll(async () => {
  fs = await startFsSimProcess({ nodes: 2, scenario: { gateways: { gw1: {} } }, heartbeatMs: 500 });
  dialer = await startServiceForTest(AppModule, SERVICE_OPTIONS, {
    env: { ATS_FS_NODES: fs.nodesEnv, ATS_FS_HEARTBEAT_MS: '500', ATS_DIALER_ID: 'dialer-app-test' },
  });
});

afterAll(async () => {
  await dialer?.stop();
  await fs?.stop();
});

const nodeHealth = async () => {
  const health = await dialer.bus.request(healthRpc('dialer'), {});
  return Object.fromEntries(health.dependencies.map((d) => [d.name, d.ok]));
};

it('reports NATS and every FreeSWITCH node of ATS_FS_NODES as its dependencies', async () => {
  await waitFor(async () => {
    const h = await nodeHealth();
    return h['freeswitch:fs1'] === true && h['freeswitch:fs2'] === true;
  });
  expect(await nodeHealth()).toEqual({
    nats: true,
    'freeswitch:fs1': true,
    'freeswitch:fs2': true,
    // Not draining: new calls may start here.
    'dialer:accepting': true,
  });
});

it('marks a node whose ESL port is cut unhealthy, keeps the other, and recovers it when the port is back', async () => {
  await fs.control('/nodes/1/esl/cut');
  await waitFor(async () => (await nodeHealth())['freeswitch:fs2'] === false);
  expect(await nodeHealth()).toMatchObject({ 'freeswitch:fs1': true, 'freeswitch:fs2': false });
  await fs.control('/nodes/1/esl/restore');
  await waitFor(async () => (await nodeHealth())['freeswitch:fs2'] === true);
});

it('creates the JetStream streams of its namespace at start-up', async () => {
  const names: string[] = [];
  for await (const info of dialer.bus.jsm.streams.list()) names.push(info.config.name);
  expect(names).toEqual(expect.arrayContaining(Object.values(dialer.topology.streams).map((s) => s.name)));
});

it('tells what it is doing: its id, its nodes, no campaign owned without campaign-service, no live call', async () => {
  await waitFor(async () => (await dialer.bus.request(dialerStatusRpc, {})).nodes.every((n) => n.healthy));
  expect(await dialer.bus.request(dialerStatusRpc, {})).toEqual({
    dialerId: 'dialer-app-test',
    draining: false,
    nodes: [
      { id: 'fs1', healthy: true, state: 'connected', inFlight: 0 },
      { id: 'fs2', healthy: true, state: 'connected', inFlight: 0 },
    ],
    campaigns: [],
    liveCalls: 0,
  });
});

it('refuses a status request with unknown fields, with a typed error', async () => {
  await expect(
    dialer.bus.request(dialerStatusRpc, { verbose: true } as unknown as Record<string, never>),
  ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
});
