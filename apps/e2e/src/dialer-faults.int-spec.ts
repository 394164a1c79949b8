import {
  getReservationRpc,
  notReadyRpc,
  readyRpc,
  releaseReservationRpc,
  reserveAgentRpc,
} from '@autotelesale/contracts';
import { startStackForTest, type StackUnderTest } from '@autotelesale/service-testing';
import { waitFor, waitForQuiescence } from '@autotelesale/testing';
import {
  AGENT_SEATS,
  agentStates,
  collectCallEvents,
  createAgents,
  createRunningCampaign,
  ofType,
  overlappingAgentCalls,
  phoneEnding,
  scenario,
} from './dialer-fixtures';
import { buildDialer, startDialerProcess, type DialerProcess } from './dialer-process';
import { SERVICES } from './stack';
import {
  fsSimOf,
  FS_SIM_TIME_SCALE,
  itFsSimOnly,
  startSwitchUnderTest,
  switchMs,
  type SwitchUnderTest,
} from './switch-under-test';

/**
 * The dialer when things break: the ESL connection cut, a switch restarted, a replica
 * killed with calls live. Each time: no contact dialed twice, no outcome lost, no agent
 * left reserved or on a call that is over. The replica kill runs on any switch; cutting ESL
 * and restarting the switch need fs-sim's control API.
 */
const EXTENSIONS = AGENT_SEATS.slice(0, 11);
let fs: SwitchUnderTest;
let stack: StackUnderTest;
let calls: ReturnType<typeof collectCallEvents>;
const dialers: DialerProcess[] = [];

beforeAll(async () => {
  buildDialer();
  fs = await startSwitchUnderTest({
    nodes: 1,
    scenario: scenario(EXTENSIONS),
    timeScale: FS_SIM_TIME_SCALE,
    heartbeatMs: 300,
  });
  stack = await startStackForTest([SERVICES.campaign, SERVICES.agent], {});
  calls = collectCallEvents(stack.bus);
}, 90_000);

afterAll(async () => {
  calls?.stop();
  for (const d of dialers) await d.kill();
  await stack?.stop();
  await fs?.stop();
});

function dialerEnv(id: string): Record<string, string> {
  return {
    ATS_NATS_URL: process.env['ATS_NATS_URL']!,
    ATS_NAMESPACE: stack.topology.namespace,
    ATS_FS_NODES: fs.nodesEnv,
    // fs-sim beats every 300 ms; FreeSWITCH at the period the shipped overlay and the dialer's default agree on.
    ...(fs.external ? {} : { ATS_FS_HEARTBEAT_MS: '300' }),
    ATS_DIALER_ID: id,
    ATS_DIALER_OWNERSHIP_LEASE_MS: '1500',
    ATS_DIALER_DRAIN_TIMEOUT_MS: '2000',
  };
}

const forCampaign = (type: string, campaignId: string) =>
  ofType(calls.events, type).filter((e) => e['campaignId'] === campaignId);

/** Every contact ended exactly once, each attempt dialed once; the agents are free again. */
async function expectCleanEnd(campaignId: string, phones: string[], agents: string[]): Promise<void> {
  await waitFor(() => forCampaign('call.ended', campaignId).length >= phones.length, {
    timeoutMs: switchMs(60_000),
  }).catch(async (error: unknown) => {
    const summary = (type: string) =>
      forCampaign(type, campaignId).map((e) => [e['callId'], e['dialerId'], e['outcome']]);
    throw new Error(
      `${String(error)}: dialed ${JSON.stringify(summary('call.dialed'))} ended ${JSON.stringify(summary('call.ended'))} agents ${JSON.stringify(await agentStates(stack.bus, agents))}`,
    );
  });
  await waitForQuiescence(() => forCampaign('call.ended', campaignId).length, { quietMs: 1_000 });
  const dialed = forCampaign('call.dialed', campaignId);
  const ended = forCampaign('call.ended', campaignId);
  expect(new Set(dialed.map((d) => d['attemptId'])).size).toBe(dialed.length);
  expect(new Set(ended.map((e) => e['callId'])).size).toBe(ended.length);
  // Every call dialed has ended, once: no outcome lost.
  expect(new Set(ended.map((e) => e['callId']))).toEqual(new Set(dialed.map((d) => d['callId'])));
  // A contact is dialed again only as a new attempt after its first ended (a scheduled retry), never twice at once.
  for (const phone of phones) {
    const mine = ended
      .filter((e) => e['phone'] === phone)
      .sort((a, b) => String(a['dialedAt']).localeCompare(String(b['dialedAt'])));
    for (let i = 1; i < mine.length; i++)
      expect(Date.parse(mine[i]!['dialedAt'] as string)).toBeGreaterThanOrEqual(
        Date.parse(mine[i - 1]!['endedAt'] as string),
      );
  }
  expect(overlappingAgentCalls(calls.events)).toEqual([]);
  await waitFor(async () => (await agentStates(stack.bus, agents)).every((s) => s === 'ready'), {
    timeoutMs: switchMs(15_000),
  });
}

it(
  'survives a replica killed with calls live: another takes the campaign over and carries its calls to their outcome',
  async () => {
    const first = await startDialerProcess(dialerEnv('dialer-first'));
    dialers.push(first);
    const agents = await createAgents(stack.bus, EXTENSIONS.slice(0, 2));
    const phones = Array.from({ length: 8 }, (_, i) => phoneEnding(i % 2 === 0 ? '01' : '02'));
    const campaign = await createRunningCampaign(
      stack.bus,
      {
        mode: 'progressive',
        agents: agents.map((agentId) => ({ agentId })),
        pacing: { ringTimeoutSeconds: 15 },
      },
      phones,
    );
    await waitFor(() => forCampaign('call.agentConnected', campaign.id).length >= 1, {
      timeoutMs: switchMs(30_000),
    });
    await first.kill();
    const liveAtKill =
      forCampaign('call.dialed', campaign.id).length - forCampaign('call.ended', campaign.id).length;
    expect(liveAtKill).toBeGreaterThan(0);
    dialers.push(await startDialerProcess(dialerEnv('dialer-second')));
    await expectCleanEnd(campaign.id, phones, agents);
    const enders = new Set(forCampaign('call.ended', campaign.id).map((e) => e['dialerId']));
    expect(enders).toContain('dialer-second');
  },
  switchMs(120_000),
);

itFsSimOnly(
  'goes on after its ESL connection is cut mid-campaign: calls ended during the cut still get their outcome',
  async () => {
    const agents = await createAgents(stack.bus, EXTENSIONS.slice(2, 4));
    const phones = Array.from({ length: 8 }, (_, i) => phoneEnding(['01', '02', '03', '04'][i % 4]!));
    const campaign = await createRunningCampaign(
      stack.bus,
      {
        mode: 'progressive',
        agents: agents.map((agentId) => ({ agentId })),
        pacing: { ringTimeoutSeconds: 15 },
      },
      phones,
    );
    await waitFor(() => forCampaign('call.agentConnected', campaign.id).length >= 1, { timeoutMs: 30_000 });
    await fsSimOf(fs).control('/nodes/0/esl/cut', { durationMs: 2_500 });
    await expectCleanEnd(campaign.id, phones, agents);
  },
  120_000,
);

itFsSimOnly(
  'goes on after its switch restarts mid-campaign: calls lost with it are ended, agents called back',
  async () => {
    const agents = await createAgents(stack.bus, EXTENSIONS.slice(4, 6));
    const phones = Array.from({ length: 8 }, (_, i) => phoneEnding(i % 2 === 0 ? '01' : '02'));
    const campaign = await createRunningCampaign(
      stack.bus,
      {
        mode: 'progressive',
        agents: agents.map((agentId) => ({ agentId })),
        pacing: { ringTimeoutSeconds: 15 },
      },
      phones,
    );
    await waitFor(() => forCampaign('call.agentConnected', campaign.id).length >= 1, { timeoutMs: 30_000 });
    await fsSimOf(fs).control('/nodes/0/restart', { downtimeMs: 500 });
    await waitFor(
      () =>
        forCampaign('call.ended', campaign.id).some(
          (e) => e['hangupCause'] === 'NORMAL_TEMPORARY_FAILURE' || e['hangupBy'] === 'network',
        ),
      { timeoutMs: 20_000 },
    );
    await expectCleanEnd(campaign.id, phones, agents);
  },
  120_000,
);

it(
  'a replica killed while it holds agents for its campaign: the taker gives back at once each one no call carried over',
  async () => {
    // Alone, so that the replica killed is the campaign's owner.
    for (const d of dialers.splice(0)) await d.kill();
    const first = await startDialerProcess(dialerEnv('dialer-holder'));
    dialers.push(first);
    const [talking, held, otherCampaigns] = await createAgents(stack.bus, EXTENSIONS.slice(6, 9));
    // Not ready until the owner is dead: its runner reserves only `talking`.
    await stack.bus.request(notReadyRpc, { agentId: held!, reasonCode: 'break' });
    const phones = [phoneEnding('02')];
    const campaign = await createRunningCampaign(
      stack.bus,
      {
        mode: 'progressive',
        agents: [{ agentId: talking! }, { agentId: held! }],
        pacing: { ringTimeoutSeconds: 15 },
      },
      phones,
    );
    await waitFor(() => forCampaign('call.dialed', campaign.id).length === 1, {
      timeoutMs: switchMs(30_000),
    });
    await first.kill();
    // What a dead owner leaves held: an agent reserved for the campaign with no call (before
    // a lease, a standby agent, a preview shown), for far longer than the test runs. And an
    // agent another campaign holds, which is none of the taker's business.
    await stack.bus.request(readyRpc, { agentId: held! });
    const orphan = await stack.bus.request(reserveAgentRpc, {
      campaignId: campaign.id,
      eligibleAgentIds: [held!],
      timeoutMs: 600_000,
    });
    const foreign = await stack.bus.request(reserveAgentRpc, {
      campaignId: 'another-campaign',
      eligibleAgentIds: [otherCampaigns!],
      timeoutMs: 600_000,
    });
    if (orphan.outcome !== 'reserved' || foreign.outcome !== 'reserved')
      throw new Error('agents not reserved');
    const status = async (reservationId: string) =>
      (await stack.bus.request(getReservationRpc, { reservationId })).status;

    dialers.push(await startDialerProcess(dialerEnv('dialer-taker')));
    // Given back on the take-over, not at its expiry ten minutes on.
    await waitFor(async () => (await status(orphan.reservation.reservationId)) !== 'pending', {
      timeoutMs: switchMs(20_000),
      description: "the dead owner's reservation closed",
    });
    expect(await status(orphan.reservation.reservationId)).toBe('released');
    await expectCleanEnd(campaign.id, phones, [talking!]);
    expect(await status(foreign.reservation.reservationId)).toBe('pending');
    await stack.bus.request(releaseReservationRpc, { reservationId: foreign.reservation.reservationId });
  },
  switchMs(120_000),
);

itFsSimOnly(
  'a replica killed after bridging customers, before agent-service heard its confirms: the taker carries the calls as connected and confirms them',
  async () => {
    // Alone, so that the replica killed is the campaign's owner.
    for (const d of dialers.splice(0)) await d.kill();
    // Its confirms gather for ten minutes: none reaches agent-service before the kill.
    const first = await startDialerProcess({
      ...dialerEnv('dialer-unconfirmed'),
      ATS_DIALER_REPORT_BATCH_MS: '600000',
    });
    dialers.push(first);
    const agents = await createAgents(stack.bus, EXTENSIONS.slice(9, 11));
    // Talking for an hour: still on their calls whenever the take-over comes (hung up below).
    const phones = [phoneEnding('09'), phoneEnding('09')];
    const campaign = await createRunningCampaign(
      stack.bus,
      {
        mode: 'progressive',
        agents: agents.map((agentId) => ({ agentId })),
        pacing: { ringTimeoutSeconds: 15 },
      },
      phones,
    );
    await waitFor(() => forCampaign('call.agentConnected', campaign.id).length === 2, {
      timeoutMs: switchMs(30_000),
    });
    // Bridged on the switch, still only reserved in agent-service.
    expect(await agentStates(stack.bus, agents)).toEqual(['reserved', 'reserved']);
    await first.kill();

    dialers.push(await startDialerProcess(dialerEnv('dialer-confirmer')));
    await waitFor(async () => (await agentStates(stack.bus, agents)).every((s) => s === 'on_call'), {
      timeoutMs: switchMs(20_000),
      description: 'both agents on their calls',
    });
    for (const connected of forCampaign('call.agentConnected', campaign.id))
      await fsSimOf(fs).control(`/channels/${connected['callId'] as string}/hangup`);
    await expectCleanEnd(campaign.id, phones, agents);
    // Talked to the end with their agents: neither counted as abandoned.
    const ended = forCampaign('call.ended', campaign.id);
    expect(ended.map((e) => [e['outcome'], e['abandoned'], e['dialerId']])).toEqual([
      ['answered', false, 'dialer-confirmer'],
      ['answered', false, 'dialer-confirmer'],
    ]);
    expect(forCampaign('call.abandoned', campaign.id)).toEqual([]);
  },
  switchMs(120_000),
);
