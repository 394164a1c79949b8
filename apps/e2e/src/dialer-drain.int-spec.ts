import { dialerAgentRpcs } from '@autotelesale/contracts';
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
import { buildDialer, startReadyReplica, type DialerProcess } from './dialer-process';
import { SERVICES } from './stack';
import { FS_SIM_TIME_SCALE, startSwitchUnderTest, switchMs, type SwitchUnderTest } from './switch-under-test';

/**
 * Graceful shutdown of a dialer replica with calls live, two ways: SIGTERM, and the Helm
 * preStop hook's POST /drain. Each time: the replica starts no new call, the other one
 * takes the campaign over and goes on, the live calls finish normally with one outcome
 * each, no contact is dialed twice, no agent is left stuck, and the replica exits 0.
 * On fs-sim or on the switch ATS_E2E_FS_NODES names.
 */
const EXTENSIONS = AGENT_SEATS.slice(0, 6);
let fs: SwitchUnderTest;
let stack: StackUnderTest;
let calls: ReturnType<typeof collectCallEvents>;
const dialers = new Map<string, DialerProcess>();

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
  for (const d of dialers.values()) await d.kill();
  await stack?.stop();
  await fs?.stop();
});

async function startDialer(id: string, extra: Record<string, string> = {}): Promise<DialerProcess> {
  const dialer = await startReadyReplica(id, {
    namespace: stack.topology.namespace,
    switch: fs,
    // Long enough for every live call to end by itself: a drain must not cut calls.
    env: { ATS_DIALER_DRAIN_TIMEOUT_MS: '60000', ...extra },
  });
  dialers.set(id, dialer);
  return dialer;
}

async function http(
  dialer: DialerProcess,
  method: string,
  path: string,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`http://127.0.0.1:${dialer.httpPort}${path}`, { method });
  return { status: response.status, body: await response.json().catch(() => undefined) };
}
const httpStatus = (dialer: DialerProcess, method: string, path: string) =>
  http(dialer, method, path).then((r) => r.status);

const forCampaign = (type: string, campaignId: string) =>
  ofType(calls.events, type).filter((e) => e['campaignId'] === campaignId);

/**
 * The drained replica `from` started no call after `since`, its calls live then ended
 * normally (the customer hung up, not the switch), `to` dialed the rest, every call ended
 * exactly once, no contact was dialed twice, and the agents are ready again.
 */
async function expectHandedOver(
  campaignId: string,
  phones: string[],
  agents: string[],
  from: string,
  to: string,
  since: number,
  liveAtDrain: Set<string>,
): Promise<void> {
  await waitFor(() => forCampaign('call.ended', campaignId).length >= phones.length, {
    timeoutMs: switchMs(90_000),
  });
  await waitForQuiescence(() => forCampaign('call.ended', campaignId).length, { quietMs: 1_000 });
  const dialed = forCampaign('call.dialed', campaignId);
  const ended = forCampaign('call.ended', campaignId);
  expect(ended).toHaveLength(phones.length);
  expect(new Set(dialed.map((d) => d['contactId'])).size).toBe(phones.length);
  expect(new Set(ended.map((e) => e['callId']))).toEqual(new Set(dialed.map((d) => d['callId'])));
  expect(new Set(ended.map((e) => e['phone']))).toEqual(new Set(phones));
  expect(dialed.filter((d) => d['dialerId'] === from && Date.parse(d['dialedAt'] as string) > since)).toEqual(
    [],
  );
  expect(dialed.some((d) => d['dialerId'] === to)).toBe(true);
  for (const callId of liveAtDrain) {
    const end = ended.find((e) => e['callId'] === callId)!;
    expect([callId, end['dialerId'], end['outcome'], end['hangupBy']]).toEqual([
      callId,
      from,
      'answered',
      'customer',
    ]);
  }
  expect(overlappingAgentCalls(calls.events)).toEqual([]);
  await waitFor(async () => (await agentStates(stack.bus, agents)).every((s) => s === 'ready'), {
    timeoutMs: switchMs(15_000),
  });
}

/** Connected calls of `dialerId` on the campaign that have not ended. */
function liveCallsOf(campaignId: string, dialerId: string): Set<string> {
  const ended = new Set(forCampaign('call.ended', campaignId).map((e) => e['callId']));
  const mine = new Set(
    forCampaign('call.dialed', campaignId)
      .filter((d) => d['dialerId'] === dialerId)
      .map((d) => d['callId'] as string),
  );
  return new Set(
    forCampaign('call.agentConnected', campaignId)
      .map((c) => c['callId'] as string)
      .filter((id) => mine.has(id) && !ended.has(id)),
  );
}

it(
  'SIGTERM: the replica stops dialing, hands the campaign over, lets its live calls finish and exits 0',
  async () => {
    await startDialer('drain-a');
    const agents = await createAgents(stack.bus, EXTENSIONS.slice(0, 2));
    const phones = Array.from({ length: 16 }, (_, i) => phoneEnding(i % 2 === 0 ? '02' : '01'));
    const campaign = await createRunningCampaign(
      stack.bus,
      {
        mode: 'progressive',
        agents: agents.map((agentId) => ({ agentId })),
        pacing: { ringTimeoutSeconds: 15 },
      },
      phones,
    );
    await waitFor(() => liveCallsOf(campaign.id, 'drain-a').size >= 1, { timeoutMs: switchMs(30_000) });
    await startDialer('drain-b');
    // drain-a still owns the campaign and goes on dialing while drain-b starts (seconds on a
    // loaded machine, longer than a call here): take the calls live once drain-b is ready.
    const live = await waitFor(
      () => {
        const now = liveCallsOf(campaign.id, 'drain-a');
        return now.size > 0 && now;
      },
      { timeoutMs: switchMs(30_000) },
    );
    const since = Date.now();
    const exit = dialers.get('drain-a')!.terminate();
    await expectHandedOver(campaign.id, phones, agents, 'drain-a', 'drain-b', since, live);
    expect(await exit).toBe(0);
  },
  switchMs(150_000),
);

it(
  'POST /drain (the preStop hook): not ready, campaign handed over, GET reports live calls down to 0; then SIGTERM exits 0',
  async () => {
    await startDialer('drain-c');
    const agents = await createAgents(stack.bus, EXTENSIONS.slice(2, 4));
    const phones = Array.from({ length: 8 }, (_, i) => phoneEnding(i % 2 === 0 ? '02' : '01'));
    const campaign = await createRunningCampaign(
      stack.bus,
      {
        mode: 'progressive',
        agents: agents.map((agentId) => ({ agentId })),
        pacing: { ringTimeoutSeconds: 15 },
      },
      phones,
    );
    // drain-b (from the first test) and drain-c race for it: drain whichever won.
    const owner = await waitFor(
      () =>
        forCampaign('call.agentConnected', campaign.id).length > 0 &&
        forCampaign('call.dialed', campaign.id)[0]?.['dialerId'],
      { timeoutMs: switchMs(30_000) },
    );
    const survivor = owner === 'drain-b' ? 'drain-c' : 'drain-b';
    const drained = dialers.get(owner as string)!;
    const live = liveCallsOf(campaign.id, owner as string);
    expect(live.size).toBeGreaterThan(0);
    const since = Date.now();
    const started = await http(drained, 'POST', '/drain');
    expect(started).toMatchObject({ status: 202, body: { draining: true } });
    expect(await httpStatus(drained, 'GET', '/health/ready')).toBe(503);
    // What the hook sees: live calls, then none (the campaign is already handed over).
    const progress = await http(drained, 'GET', '/drain');
    expect(progress).toMatchObject({ status: 200, body: { draining: true, campaigns: 0 } });
    expect((progress.body as { liveCalls: number }).liveCalls).toBeGreaterThan(0);
    await waitFor(
      async () => ((await http(drained, 'GET', '/drain')).body as { liveCalls: number }).liveCalls === 0,
      {
        timeoutMs: switchMs(60_000),
      },
    );
    await expectHandedOver(campaign.id, phones, agents, owner as string, survivor, since, live);
    expect(await drained.terminate()).toBe(0);
  },
  switchMs(150_000),
);

it(
  'a preview shown when its replica drains gives the contact and the agent back; the next replica shows it again',
  async () => {
    await startDialer('drain-d');
    const [agent] = await createAgents(stack.bus, EXTENSIONS.slice(4, 5));
    const phone = phoneEnding('01');
    const campaign = await createRunningCampaign(
      stack.bus,
      { mode: 'preview', agents: [{ agentId: agent! }], pacing: { previewSeconds: 60 } },
      [phone],
    );
    const first = await waitFor(() => forCampaign('call.previewOffered', campaign.id)[0], {
      timeoutMs: switchMs(30_000),
    });
    const owner = first['dialerId'] as string;
    const drained = dialers.get(owner)!;
    expect((await http(drained, 'POST', '/drain')).status).toBe(202);
    const given = await waitFor(() => forCampaign('call.previewDecided', campaign.id)[0]);
    expect(given).toMatchObject({
      previewId: first['previewId'],
      decision: 'skip',
      decidedBy: 'system',
      callId: null,
    });
    // The other replica takes the campaign and shows the same contact to the agent again.
    const second = await waitFor(() => forCampaign('call.previewOffered', campaign.id)[1], {
      timeoutMs: switchMs(30_000),
    });
    expect(second).toMatchObject({ contactId: first['contactId'], agentId: agent });
    expect(second['dialerId']).not.toBe(owner);
    const accepted = await stack.bus.request(dialerAgentRpcs.acceptPreview, {
      campaignId: campaign.id,
      agentId: agent!,
      previewId: second['previewId'] as string,
    });
    await waitFor(() => forCampaign('call.ended', campaign.id).length === 1, { timeoutMs: switchMs(30_000) });
    expect(forCampaign('call.ended', campaign.id)[0]).toMatchObject({
      callId: accepted.callId,
      outcome: 'answered',
      dialerId: second['dialerId'],
    });
    expect(forCampaign('call.dialed', campaign.id)).toHaveLength(1);
    expect(await drained.terminate()).toBe(0);
    await waitFor(async () => (await agentStates(stack.bus, [agent!])).every((s) => s === 'ready'));
  },
  switchMs(120_000),
);
