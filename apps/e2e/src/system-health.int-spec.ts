import { startStackForTest, type StackUnderTest } from '@autotelesale/service-testing';
import { WHOLE_STACK } from './stack';
import { startSwitchUnderTest, type SwitchUnderTest } from './switch-under-test';

let stack: StackUnderTest;
let fs: SwitchUnderTest;

beforeAll(async () => {
  // The dialer needs its FreeSWITCH nodes (a health dependency of its own): fs-sim, or the
  // switch ATS_E2E_FS_NODES names.
  fs = await startSwitchUnderTest({ nodes: 1, scenario: { gateways: { gw1: {} } } });
  // A free gRPC port: a gateway elsewhere on this machine may hold the default one.
  stack = await startStackForTest(WHOLE_STACK, { ATS_GRPC_PORT: '0', ATS_FS_NODES: fs.nodesEnv });
});

afterAll(async () => {
  await stack?.stop();
  await fs?.stop();
});

interface SystemHealth {
  ok: boolean;
  services: Array<{
    service: string;
    ok: boolean;
    reply?: { dependencies: Array<{ name: string; ok: boolean }> };
  }>;
}

async function systemHealth(): Promise<SystemHealth> {
  const response = await fetch(`http://127.0.0.1:${stack.services.gateway!.httpPort}/api/v1/system/health`);
  return (await response.json()) as SystemHealth;
}

it('shows every service healthy through the gateway when the whole stack runs', async () => {
  const health = await systemHealth();
  expect(health.services.map((s) => [s.service, s.ok])).toEqual([
    ['campaign', true],
    ['dialer', true],
    ['agent', true],
    ['reporting', true],
    ['gateway', true],
  ]);
  expect(health.ok).toBe(true);
});

it('reports a stopped service as unavailable while the others stay healthy', async () => {
  await stack.stopService('reporting');
  const health = await systemHealth();
  expect(health.ok).toBe(false);
  const reporting = health.services.find((s) => s.service === 'reporting');
  expect(reporting).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  expect(health.services.filter((s) => s.service !== 'reporting').every((s) => s.ok)).toBe(true);
});
