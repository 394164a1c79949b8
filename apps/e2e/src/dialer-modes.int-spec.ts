import { startStackForTest, type StackUnderTest } from '@autotelesale/service-testing';
import { waitFor, waitForQuiescence } from '@autotelesale/testing';
import {
  agentStates,
  collectCallEvents,
  createAgents,
  createRunningCampaign,
  EXPECTED_OUTCOME,
  ofType,
  overlappingAgentCalls,
  phoneEnding,
  scenario,
} from './dialer-fixtures';
import { startFsSim, type FsSimProcess } from './fs-sim-process';
import { SERVICES } from './stack';

const EXTENSIONS = ['2001', '2002', '2003', '2004', '2005'];
let fs: FsSimProcess;
let stack: StackUnderTest;
let calls: ReturnType<typeof collectCallEvents>;

beforeAll(async () => {
  fs = await startFsSim({ nodes: 1, scenario: scenario(EXTENSIONS), timeScale: 0.1 });
  stack = await startStackForTest([SERVICES.campaign, SERVICES.agent, SERVICES.dialer], {
    ATS_FS_NODES: fs.nodesEnv,
    ATS_DIALER_ID: 'dialer-e2e',
    ATS_DIALER_OWNERSHIP_LEASE_MS: '1500',
  });
  calls = collectCallEvents(stack.bus);
}, 60_000);

afterAll(async () => {
  calls?.stop();
  await stack?.stop();
  await fs?.stop();
});

const forCampaign = (type: string, campaignId: string) =>
  ofType(calls.events, type).filter((e) => e['campaignId'] === campaignId);

describe('progressive', () => {
  it('dials every contact once, connects each answer to a reserved agent, and records one outcome per contact', async () => {
    const agents = await createAgents(stack.bus, EXTENSIONS.slice(0, 2));
    const suffixes = ['01', '02', '03', '04', '05', '01', '02', '01'];
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
    await waitFor(() => forCampaign('call.ended', campaign.id).length >= phones.length, {
      timeoutMs: 60_000,
    });
    const ended = await waitForQuiescence(() => forCampaign('call.ended', campaign.id).length);
    expect(ended).toBe(phones.length);
    const records = forCampaign('call.ended', campaign.id);
    const byPhone = new Map(records.map((r) => [r['phone'] as string, r]));
    expect(byPhone.size).toBe(phones.length);
    for (const [i, phone] of phones.entries())
      expect([phone, byPhone.get(phone)?.['outcome']]).toEqual([phone, EXPECTED_OUTCOME[suffixes[i]!]]);
    expect(forCampaign('call.abandoned', campaign.id)).toEqual([]);
    expect(overlappingAgentCalls(calls.events)).toEqual([]);
    // Agents are back to ready (wrap-up 0 s), none left reserved.
    await waitFor(async () => (await agentStates(stack.bus, agents)).every((s) => s === 'ready'));
  }, 90_000);
});
