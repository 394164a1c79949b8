import { setTimeout as delay } from 'node:timers/promises';
import { queryIntervalsRpc } from '@autotelesale/contracts';
import type { StackUnderTest } from '@autotelesale/service-testing';
import { waitFor, waitForQuiescence } from '@autotelesale/testing';
import {
  AGENT_SEATS,
  agentStates,
  collectCallEvents,
  createAgents,
  createRunningCampaign,
  EXPECTED_OUTCOME,
  ofType,
  overlappingAgentCalls,
  phoneEnding,
} from './dialer-fixtures';
import { startDialerStack, stopDialerStack } from './dialer-stack';
import { describeFsSimOnly, fsSimOf, switchMs, type SwitchUnderTest } from './switch-under-test';

/** Progressive and predictive campaigns, on fs-sim or on the switch ATS_E2E_FS_NODES names. */
const EXTENSIONS = AGENT_SEATS.slice(0, 8);
let fs: SwitchUnderTest;
let stack: StackUnderTest;
let calls: ReturnType<typeof collectCallEvents>;

beforeAll(async () => {
  ({ fs, stack, calls } = await startDialerStack({ extensions: EXTENSIONS, dialerId: 'dialer-e2e' }));
}, 60_000);

afterAll(() => stopDialerStack({ fs, stack, calls }));

const forCampaign = (type: string, campaignId: string) =>
  ofType(calls.events, type).filter((e) => e['campaignId'] === campaignId);

describe('progressive', () => {
  it(
    'dials every contact once, connects each answer to a reserved agent, and records one outcome per contact',
    async () => {
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
        timeoutMs: switchMs(60_000),
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
    },
    switchMs(90_000),
  );

  it('leaves an idle agent alone once nothing is due: no reservation made and given back on every tick', async () => {
    const [agent] = await createAgents(stack.bus, EXTENSIONS.slice(7, 8));
    const campaign = await createRunningCampaign(
      stack.bus,
      { mode: 'progressive', agents: [{ agentId: agent! }], pacing: { ringTimeoutSeconds: 15 } },
      [phoneEnding('05')],
    );
    await waitFor(() => forCampaign('call.ended', campaign.id).length === 1, { timeoutMs: switchMs(30_000) });
    await waitFor(async () => (await agentStates(stack.bus, [agent!]))[0] === 'ready');
    // A window of 15 pacing ticks (200 ms): each used to reserve the agent and release them.
    const from = new Date();
    await delay(3_000);
    const { intervals } = await stack.bus.request(queryIntervalsRpc, {
      agentId: agent!,
      from: from.toISOString(),
      to: new Date().toISOString(),
    });
    // Tries 0.5, 1, 2, 4 s apart after a lease that found nothing (EmptyQueueBackoff): at most
    // three in the window, and one it may have begun in.
    expect(intervals.filter((i) => i.state === 'reserved').length).toBeLessThanOrEqual(4);
    expect(await agentStates(stack.bus, [agent!])).toEqual(['ready']);
  }, 60_000);
});

describe('predictive', () => {
  it(
    'paces with the forecast pacer, keeps the abandon rate under the cap and gives every contact one outcome',
    async () => {
      const agents = await createAgents(stack.bus, EXTENSIONS.slice(2, 5));
      const suffixes = Array.from({ length: 24 }, (_, i) => ['01', '02', '03', '04', '05', '01'][i % 6]!);
      const phones = suffixes.map(phoneEnding);
      const campaign = await createRunningCampaign(
        stack.bus,
        {
          mode: 'predictive',
          agents: agents.map((agentId) => ({ agentId })),
          pacing: { ringTimeoutSeconds: 15 },
        },
        phones,
      );
      await waitFor(() => forCampaign('call.ended', campaign.id).length >= phones.length, {
        timeoutMs: switchMs(90_000),
      });
      expect(await waitForQuiescence(() => forCampaign('call.ended', campaign.id).length)).toBe(
        phones.length,
      );
      const records = forCampaign('call.ended', campaign.id);
      expect(new Set(records.map((r) => r['phone'])).size).toBe(phones.length);
      const live = records.filter((r) => r['liveAnswer']).length;
      const abandoned = records.filter((r) => r['outcome'] === 'abandoned').length;
      expect(live).toBeGreaterThan(0);
      expect({
        live,
        abandoned,
        reasons: forCampaign('call.abandoned', campaign.id).map((a) => a['reason']),
      }).toEqual({
        live,
        abandoned: Math.min(abandoned, Math.floor(live * campaign.pacing.abandonRateCap)),
        reasons: expect.any(Array),
      });
      expect(abandoned / live).toBeLessThanOrEqual(campaign.pacing.abandonRateCap);
      for (const [i, phone] of phones.entries()) {
        const record = records.find((r) => r['phone'] === phone)!;
        expect([phone, record['outcome']]).toEqual([phone, EXPECTED_OUTCOME[suffixes[i]!]]);
      }
      expect(overlappingAgentCalls(calls.events)).toEqual([]);
      await waitFor(async () => (await agentStates(stack.bus, agents)).every((s) => s === 'ready'));
    },
    switchMs(120_000),
  );
});

// Hangs a customer up through fs-sim's control API; customer 09 talks for an hour there.
describeFsSimOnly('predictive, every agent busy', () => {
  it('pauses dialing when every agent is busy (k = 1) and resumes when one frees up', async () => {
    const agents = await createAgents(stack.bus, EXTENSIONS.slice(5, 7));
    const phones = Array.from({ length: 6 }, () => phoneEnding('09'));
    const campaign = await createRunningCampaign(
      stack.bus,
      {
        mode: 'predictive',
        agents: agents.map((agentId) => ({ agentId })),
        pacing: { ratio: 1, ringTimeoutSeconds: 15 },
      },
      phones,
    );
    await waitFor(() => forCampaign('call.agentConnected', campaign.id).length === 2, { timeoutMs: 30_000 });
    // Both agents talk: no further call may start, however long we watch.
    expect(
      await waitForQuiescence(() => forCampaign('call.dialed', campaign.id).length, { quietMs: 1_500 }),
    ).toBe(2);
    expect(await agentStates(stack.bus, agents)).toEqual(['on_call', 'on_call']);
    const first = forCampaign('call.agentConnected', campaign.id)[0]!;
    await fsSimOf(fs).control(`/channels/${first['callId'] as string}/hangup`);
    await waitFor(() => forCampaign('call.dialed', campaign.id).length === 3, { timeoutMs: 15_000 });
    await waitFor(() => forCampaign('call.agentConnected', campaign.id).length === 3, { timeoutMs: 15_000 });
    expect(
      await waitForQuiescence(() => forCampaign('call.dialed', campaign.id).length, { quietMs: 1_000 }),
    ).toBe(3);
    expect(overlappingAgentCalls(calls.events)).toEqual([]);
    const ended = forCampaign('call.ended', campaign.id);
    expect(ended.map((e) => [e['callId'], e['outcome'], e['hangupBy']])).toEqual([
      [first['callId'], 'answered', 'customer'],
    ]);
  }, 90_000);
});
