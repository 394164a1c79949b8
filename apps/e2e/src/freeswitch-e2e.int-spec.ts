import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startStackForTest, type StackUnderTest } from '@autotelesale/service-testing';
import { waitFor, waitForQuiescence } from '@autotelesale/testing';
import {
  AGENT_SEATS,
  agentStates,
  collectCallEvents,
  createAgents,
  createRunningCampaign,
  CUSTOMER_BEHAVIOURS,
  EXPECTED_OUTCOME,
  ofType,
  overlappingAgentCalls,
  phoneEnding,
  scenario,
} from './dialer-fixtures';
import { readOverlay, shippedTelephony } from './freeswitch-config';
import { describeFreeswitchOnly, startSwitchUnderTest, type SwitchUnderTest } from './switch-under-test';
import { SERVICES } from './stack';

/**
 * The progressive campaign of dialer-modes, against whatever switch ATS_E2E_FS_NODES
 * names: on the forge (freeswitch-e2e.yml) a real FreeSWITCH with deploy/freeswitch/conf,
 * whose carrier (deploy/freeswitch/ci) hands each customer to the sipp scenario of its
 * outcome. Here only the first block runs: it proves the forge's carrier plays the same
 * customers as the fs-sim scenario the other specs use.
 */
const ROOT = resolve(__dirname, '../../..');
const AGENTS = AGENT_SEATS.slice(0, 2);

describe('the forge job plays the fixtures customers and agents as fs-sim does', () => {
  const carrier = readOverlay(join(ROOT, 'deploy/freeswitch/ci/conf'));
  const workflow = readFileSync(join(ROOT, '.github/workflows/freeswitch-e2e.yml'), 'utf8');
  /** sipp instances the workflow starts: port → scenario name. */
  const sipp = new Map(
    [...workflow.matchAll(/-sf deploy\/freeswitch\/sipp\/([\w-]+)\.xml -p (\d+)/g)].map((m) => [
      m[2]!,
      m[1]!,
    ]),
  );
  /** The carrier's routes in order: each extension's condition and its (one) action. */
  const routes = carrier.elements.flatMap((e, i) =>
    e.name === 'condition'
      ? [{ expression: new RegExp(e.attrs['expression']!), action: carrier.elements[i + 1]! }]
      : [],
  );
  /** What the carrier does with a number: the first route whose expression matches it. */
  function carrierFor(number: string): { application: string; data: string } {
    const route = routes.find((r) => r.expression.test(number));
    if (!route) throw new Error(`the carrier has no route for ${number}`);
    return { application: route.action.attrs['application']!, data: route.action.attrs['data'] ?? '' };
  }

  it.each(CUSTOMER_BEHAVIOURS.map((c) => [c.suffix, c.behaviour.kind, c.forge]))(
    'routes numbers ending %s (%s) to what plays that outcome (%s)',
    (suffix, _kind, forge) => {
      const digits = phoneEnding(suffix).replace('+', '');
      const route = carrierFor(digits);
      if (/^\d{3} /.test(forge)) {
        expect([suffix, route]).toEqual([suffix, { application: 'respond', data: forge }]);
        return;
      }
      expect([suffix, route.application]).toEqual([suffix, 'bridge']);
      const port = /:(\d+)$/.exec(route.data)?.[1];
      expect([suffix, sipp.get(port!)]).toEqual([suffix, forge]);
    },
  );

  it('starts only sipp scenarios that exist, and registers the agent seats this spec uses', () => {
    expect(sipp.size).toBeGreaterThanOrEqual(4);
    for (const name of [...sipp.values(), 'agent-register', 'agent-auto-answer'])
      expect(() => readFileSync(join(ROOT, 'deploy/freeswitch/sipp', `${name}.xml`))).not.toThrow();
    const seats = shippedTelephony(readOverlay()).agentExtensions;
    // The seats the specs choose agents from are exactly the shipped ones.
    expect(seats).toEqual(AGENT_SEATS);
    expect(seats).toEqual(expect.arrayContaining(AGENTS));
    // The workflow registers every shipped seat (agents.csv from the shipped directory range).
    expect(workflow).toContain(`seq ${seats[0]} ${seats.at(-1)}`);
  });
});

describeFreeswitchOnly('a progressive campaign on real FreeSWITCH', () => {
  let fs: SwitchUnderTest;
  let stack: StackUnderTest;
  let calls: ReturnType<typeof collectCallEvents>;

  beforeAll(async () => {
    fs = await startSwitchUnderTest({ nodes: 1, scenario: scenario(AGENTS) });
    stack = await startStackForTest([SERVICES.campaign, SERVICES.agent, SERVICES.dialer], {
      ATS_FS_NODES: fs.nodesEnv,
      ATS_DIALER_ID: 'dialer-freeswitch-e2e',
      ATS_DIALER_OWNERSHIP_LEASE_MS: '1500',
      ATS_DIALER_DRAIN_TIMEOUT_MS: '5000',
    });
    calls = collectCallEvents(stack.bus);
  }, 120_000);

  afterAll(async () => {
    calls?.stop();
    await stack?.stop();
    await fs?.stop();
  });

  it('dials every contact once, connects answers to the agents over uuid_bridge, one outcome per contact', async () => {
    const agents = await createAgents(stack.bus, AGENTS);
    const suffixes = ['01', '02', '03', '04', '05'];
    const phones = suffixes.map(phoneEnding);
    const campaign = await createRunningCampaign(
      stack.bus,
      {
        mode: 'progressive',
        agents: agents.map((agentId) => ({ agentId })),
        pacing: { ringTimeoutSeconds: 15 },
      },
      phones,
    );
    const ended = () => ofType(calls.events, 'call.ended').filter((e) => e['campaignId'] === campaign.id);
    await waitFor(() => ended().length >= phones.length, { timeoutMs: 240_000 });
    expect(await waitForQuiescence(() => ended().length)).toBe(phones.length);
    const byPhone = new Map(ended().map((r) => [r['phone'] as string, r['outcome']]));
    for (const [i, phone] of phones.entries())
      expect([phone, byPhone.get(phone)]).toEqual([phone, EXPECTED_OUTCOME[suffixes[i]!]]);
    expect(ofType(calls.events, 'call.abandoned').filter((e) => e['campaignId'] === campaign.id)).toEqual([]);
    expect(overlappingAgentCalls(calls.events)).toEqual([]);
    await waitFor(async () => (await agentStates(stack.bus, agents)).every((s) => s === 'ready'), {
      timeoutMs: 30_000,
    });
  }, 300_000);
});
