import { setTimeout as delay } from 'node:timers/promises';
import {
  campaignRpcs,
  getReservationRpc,
  listAgentStatusesRpc,
  type AgentStatus,
  type Campaign,
} from '@autotelesale/contracts';
import { startStackForTest, type StackUnderTest } from '@autotelesale/service-testing';
import { expectEventually, waitFor, waitForQuiescence } from '@autotelesale/testing';
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
import {
  describeFsSimOnly,
  FS_SIM_TIME_SCALE,
  startSwitchUnderTest,
  type SwitchUnderTest,
} from './switch-under-test';

/**
 * Standby agents: a predictive campaign's runner holds a few ready agents reserved ahead of
 * its answers (reservations without a call, 6 s timeout), so an answering customer is
 * bridged at once. Checked on real NATS and PostgreSQL with dialer replicas as processes
 * (one is killed): the standby path is used, nobody gets two customers, a stop hands every
 * held agent back at once (not by expiry), a dead replica's held agents come back (given
 * back by the replica that takes its campaign over), and ATS_DIALER_STANDBY_AGENTS=off
 * turns it all off.
 *
 * fs-sim only: nothing is held below one live answer a second, and ten agents reach
 * several a second only with fs-sim's time scale (customer 01 rings 0.3 s and talks 1.5 s
 * of wall time); on real FreeSWITCH the same customers talk 15 s.
 */
const EXTENSIONS = AGENT_SEATS.slice(0, 10);
/** Enough contacts for several seconds above the answer rate that makes the runner hold agents. */
const CONTACTS = 40;
/** Agent-service expires a standby reservation this long after it was made (STANDBY_DEFAULTS). */
const STANDBY_RESERVATION_MS = 6_000;
/** What "at once" means after a stop: well under the expiry, so a leak that expiry cleans up fails. */
const RELEASED_WITHIN_MS = 3_000;
/**
 * Reserving, bridging and going back to ready take a few ms around each call: an agent
 * counts as free during a customer's wait only when no call of theirs comes this close to it.
 */
const AGENT_TURN_SLACK_MS = 300;

let fs: SwitchUnderTest;
let stack: StackUnderTest;
let calls: ReturnType<typeof collectCallEvents>;
let agents: string[];
const dialers = new Map<string, DialerProcess>();

describeFsSimOnly('standby agents (predictive)', () => {
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
    await startDialer('dialer-standby-a');
    // One set of agents for every case: each case's campaign is completed and its agents
    // ready again before the next one starts.
    agents = await createAgents(stack.bus, EXTENSIONS);
  }, 90_000);

  afterAll(async () => {
    calls?.stop();
    for (const d of dialers.values()) await d.kill();
    await stack?.stop();
    await fs?.stop();
  });

  it('bridges answers to standby agents, one customer per agent, one outcome per contact', async () => {
    const dialer = dialers.get('dialer-standby-a')!;
    const campaign = await startCampaign();
    const held = watchStandbyHolds(campaign.id);
    await expectEveryContactEnded(campaign, phonesOf(campaign));
    await held.stop();

    // The standby path was taken, as the dialer's metrics and agent-service both say.
    const standby = await metric(dialer, 'autotelesale_dialer_standby_answers_total', {
      campaign_id: campaign.id,
      outcome: 'standby',
    });
    const reserved = await metric(dialer, 'autotelesale_dialer_standby_answers_total', {
      campaign_id: campaign.id,
      outcome: 'reserved',
    });
    expect(standby).toBeGreaterThan(0);
    expect(held.reservations.size).toBeGreaterThan(0);
    // Every answer is counted once, one way or the other.
    expect(standby + reserved).toBe(forCampaign('call.answered', campaign.id).length);
    expect(overlappingAgentCalls(calls.events)).toEqual([]);
    expect(abandonsWhileAnAgentWasFree(campaign.id)).toEqual([]);
    await completeAndExpectAgentsReady(campaign);
  }, 60_000);

  it('hands every standby agent back at once when the campaign is paused', async () => {
    const dialer = dialers.get('dialer-standby-a')!;
    const campaign = await startCampaign();
    // Every customer has answered and been put through (or abandoned): nobody is left to
    // take a held agent, and the runner goes on holding some while its answer rate (over
    // 5 s) lasts. Paused then, the agents it holds can only go back by its hand (or, leaked,
    // by agent-service's expiry).
    await waitFor(
      () =>
        forCampaign('call.agentConnected', campaign.id).length +
          forCampaign('call.abandoned', campaign.id).length ===
        CONTACTS,
      { timeoutMs: 30_000, description: 'every customer put through' },
    );
    const before = await waitFor(
      async () => {
        const fresh = freshOnly(standbyHolds(await statuses(), campaign.id));
        // A hold the last customer was just bridged to shows as held until the dialer's confirm lands.
        const used = new Set(ofType(calls.events, 'call.agentConnected').map((c) => c['reservationId']));
        const unused = fresh.filter((h) => !used.has(h.reservationId));
        return unused.length > 0 && unused;
      },
      { timeoutMs: 5_000, intervalMs: 10, description: 'a standby agent held after the last answer' },
    );
    await stack.bus.request(campaignRpcs.transitionCampaign, { campaignId: campaign.id, action: 'pause' });

    // Within 3 s of the pause, no agent is held without a call: one left to agent-service's
    // 6 s expiry fails here.
    await expectEventually(
      async () => {
        expect(standbyHolds(await statuses(), campaign.id)).toEqual([]);
        expect(await metric(dialer, 'autotelesale_dialer_standby_agents', { campaign_id: campaign.id })).toBe(
          0,
        );
      },
      { timeoutMs: RELEASED_WITHIN_MS, intervalMs: 50 },
    );
    // Handed back by the dialer, not expired.
    for (const hold of before) {
      const reservation = await stack.bus.request(getReservationRpc, { reservationId: hold.reservationId! });
      expect([hold.agentId, reservation.status]).toEqual([hold.agentId, 'released']);
    }
    await waitFor(async () => (await agentStates(stack.bus, agents)).every((s) => s === 'ready'), {
      timeoutMs: 10_000,
      description: 'every agent ready after the pause',
    });
    expect(overlappingAgentCalls(calls.events)).toEqual([]);
    await completeAndExpectAgentsReady(campaign);
  }, 60_000);

  it('survives a replica killed while it holds standby agents: they go back, another replica carries on', async () => {
    await startDialer('dialer-standby-b');
    const campaign = await startCampaign();
    const phones = phonesOf(campaign);
    // The campaign's owner: the replica that dials it.
    const owner = await waitFor(
      async () => {
        for (const [id, d] of dialers)
          if ((await metric(d, 'autotelesale_dialer_dials_total', { campaign_id: campaign.id })) > 0)
            return id;
        return undefined;
      },
      { timeoutMs: 20_000, description: 'a replica dialing the campaign' },
    );
    const survivor = [...dialers.keys()].find((id) => id !== owner)!;
    await freshStandbyHolds(campaign.id);
    await dialers.get(owner)!.kill();
    dialers.delete(owner);
    const killedAt = Date.now();
    // What the dead replica held: the replica taking the campaign over gives them back.
    const held = standbyHolds(await statuses(), campaign.id);
    // Not one it had just bridged a customer to (its confirm may have left before the kill).
    const used = new Set(ofType(calls.events, 'call.agentConnected').map((c) => c['reservationId']));
    const orphans = held.filter((h) => !used.has(h.reservationId));
    expect(orphans.length).toBeGreaterThan(0);

    await expectEveryContactEnded(campaign, phones, { killed: true });
    for (const orphan of orphans) {
      const reservation = await stack.bus.request(getReservationRpc, {
        reservationId: orphan.reservationId!,
      });
      // Given back by the replica that took the campaign over, or expired if that came first.
      expect([orphan.agentId, ['released', 'expired'].includes(reservation.status)]).toEqual([
        orphan.agentId,
        true,
      ]);
    }
    const dialed = forCampaign('call.dialed', campaign.id);
    expect(dialed.filter((d) => d['dialerId'] === survivor).length).toBeGreaterThan(0);
    expect(
      dialed.filter((d) => d['dialerId'] === owner && Date.parse(d['dialedAt'] as string) > killedAt),
    ).toEqual([]);
    expect(overlappingAgentCalls(calls.events)).toEqual([]);
    await completeAndExpectAgentsReady(campaign);
  }, 60_000);

  it('with ATS_DIALER_STANDBY_AGENTS=off holds no agent and still connects the answers', async () => {
    // Only the off replica may own the campaign.
    for (const [id, d] of dialers) {
      await d.terminate();
      dialers.delete(id);
    }
    const dialer = await startDialer('dialer-standby-off', { ATS_DIALER_STANDBY_AGENTS: 'off' });
    const campaign = await startCampaign();
    const held = watchStandbyHolds(campaign.id);
    await expectEveryContactEnded(campaign, phonesOf(campaign));
    await held.stop();

    // The answer rate was one that holds agents when standby is on.
    expect(peakAnswersIn5s(campaign.id)).toBeGreaterThanOrEqual(10);
    expect(held.reservations.size).toBe(0);
    // This replica's metrics do carry the campaign: the standby ones are absent, not unscraped.
    expect(await metric(dialer, 'autotelesale_dialer_live_answers_total', { campaign_id: campaign.id })).toBe(
      forCampaign('call.answered', campaign.id).length,
    );
    expect(
      await metric(dialer, 'autotelesale_dialer_standby_answers_total', { campaign_id: campaign.id }),
    ).toBe(0);
    expect(await metric(dialer, 'autotelesale_dialer_standby_agents', { campaign_id: campaign.id })).toBe(0);
    expect(overlappingAgentCalls(calls.events)).toEqual([]);
    expect(abandonsWhileAnAgentWasFree(campaign.id)).toEqual([]);
    await completeAndExpectAgentsReady(campaign);
  }, 60_000);
});

async function startDialer(id: string, env: Record<string, string> = {}): Promise<DialerProcess> {
  const dialer = await startReadyReplica(id, {
    namespace: stack.topology.namespace,
    switch: fs,
    env: { ATS_DIALER_DRAIN_TIMEOUT_MS: '2000', ...env },
  });
  dialers.set(id, dialer);
  return dialer;
}

const forCampaign = (type: string, campaignId: string) =>
  ofType(calls.events, type).filter((e) => e['campaignId'] === campaignId);

const phonesByCampaign = new Map<string, string[]>();
const phonesOf = (campaign: Campaign) => phonesByCampaign.get(campaign.id)!;

/** A predictive campaign of every agent and CONTACTS customers who answer quickly and talk briefly. */
async function startCampaign(): Promise<Campaign> {
  const phones = Array.from({ length: CONTACTS }, () => phoneEnding('01'));
  const campaign = await createRunningCampaign(
    stack.bus,
    {
      mode: 'predictive',
      agents: agents.map((agentId) => ({ agentId })),
      pacing: { ringTimeoutSeconds: 15 },
    },
    phones,
  );
  phonesByCampaign.set(campaign.id, phones);
  return campaign;
}

async function statuses(): Promise<AgentStatus[]> {
  return (await stack.bus.request(listAgentStatusesRpc, { agentIds: agents })).items;
}

/** Agents held for the campaign with no call: a standby reservation (one made on an answer names its call). */
function standbyHolds(items: AgentStatus[], campaignId: string): AgentStatus[] {
  return items.filter((a) => a.state === 'reserved' && a.callId === null && a.campaignId === campaignId);
}

/**
 * The holds reserved less than 1 s ago: an entry is used for 2 s, so these are still held
 * (not yet handed back as past use) for a while.
 */
function freshOnly(holds: AgentStatus[]): AgentStatus[] {
  return holds.filter(
    (h) => Date.parse(h.reservationExpiresAt!) - Date.now() > STANDBY_RESERVATION_MS - 1_000,
  );
}

/**
 * Once the campaign answers steadily (past its first burst: the first dials all answer at
 * once and take every agent held then), two or more agents held for it, reserved less than
 * 1 s ago (an entry is usable 2 s): still held the instant later a pause or a kill lands,
 * bar one an answer takes meanwhile.
 */
async function freshStandbyHolds(campaignId: string): Promise<AgentStatus[]> {
  await waitFor(() => forCampaign('call.ended', campaignId).length >= 8, {
    timeoutMs: 20_000,
    description: 'the first calls ended',
  });
  return waitFor(
    async () => {
      const fresh = freshOnly(standbyHolds(await statuses(), campaignId));
      return fresh.length >= 2 && fresh;
    },
    { timeoutMs: 20_000, intervalMs: 10, description: 'two standby agents held' },
  );
}

/**
 * Agent-service's view while a campaign runs, every 50 ms: the standby reservations seen
 * (each is held up to 2 s, so none slips between two looks).
 */
function watchStandbyHolds(campaignId: string): { reservations: Set<string>; stop: () => Promise<void> } {
  const reservations = new Set<string>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      for (const hold of standbyHolds(await statuses(), campaignId)) reservations.add(hold.reservationId!);
      await delay(50);
    }
  })();
  return {
    reservations,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/**
 * The campaign ran out: every contact dialed at most once, every call dialed ended once,
 * each ended contact's outcome recorded in campaign-service (one attempt, the outcome of
 * its call), every answer connected to an agent or abandoned. Without a kill every contact
 * was dialed and the abandons stay within the campaign's cap. After `killed` (a replica
 * SIGKILLed), contacts it had leased and not dialed yet stay leased, undialed, until their
 * lease expires (LEASE_SECONDS in the runner): neither lost nor dialed twice.
 */
async function expectEveryContactEnded(
  campaign: Campaign,
  phones: string[],
  options: { killed?: boolean } = {},
): Promise<void> {
  const contacts = async () =>
    (await stack.bus.request(campaignRpcs.listContacts, { campaignId: campaign.id, limit: 500 })).items;
  const settled = async () =>
    forCampaign('call.ended', campaign.id).length === forCampaign('call.dialed', campaign.id).length &&
    // Not dialed yet (an abandoned one is pending again too, for a retry an hour later).
    !(await contacts()).some((c) => c.status === 'pending' && c.attempts === 0);
  await waitFor(settled, { timeoutMs: 40_000, description: 'every contact dialed and ended' }).catch(
    async (error: unknown) => {
      const count = (type: string) => forCampaign(type, campaign.id).length;
      throw new Error(
        `${String(error)}: dialed ${count('call.dialed')} ended ${count('call.ended')} agents ${JSON.stringify(await agentStates(stack.bus, agents))}`,
      );
    },
  );
  await waitForQuiescence(() => forCampaign('call.ended', campaign.id).length, { quietMs: 1_000 });
  expect(await settled()).toBe(true);
  const dialed = forCampaign('call.dialed', campaign.id);
  const ended = forCampaign('call.ended', campaign.id);
  expect(new Set(dialed.map((d) => d['phone'])).size).toBe(dialed.length);
  expect(new Set(ended.map((e) => e['callId'])).size).toBe(ended.length);
  expect(new Set(ended.map((e) => e['callId']))).toEqual(new Set(dialed.map((d) => d['callId'])));
  const outcomes = new Map(ended.map((e) => [e['phone'] as string, e['outcome'] as string]));
  // After a kill, a call the dead replica placed and nobody owned when it ended may be
  // recorded `failed` (its answer was never seen): an outcome all the same, retried.
  const expected = options.killed ? /^(answered|abandoned|failed)$/ : /^(answered|abandoned)$/;
  for (const [phone, outcome] of outcomes)
    expect([phone, outcome]).toEqual([phone, expect.stringMatching(expected)]);
  const connected = new Set(forCampaign('call.agentConnected', campaign.id).map((c) => c['callId']));
  expect(ended.filter((e) => e['outcome'] === 'answered' && !connected.has(e['callId']))).toEqual([]);
  if (!options.killed) {
    expect(dialed).toHaveLength(phones.length);
    const live = ended.filter((e) => e['liveAnswer']).length;
    const abandoned = ended.filter((e) => e['outcome'] === 'abandoned').length;
    expect(abandoned).toBeLessThanOrEqual(Math.floor(live * campaign.pacing.abandonRateCap));
  }
  await expectEventually(async () => {
    const items = await contacts();
    expect(items.map((c) => c.phone).sort()).toEqual([...phones].sort());
    for (const c of items)
      expect([c.phone, c.status === 'leased' ? 'leased' : 'recorded', c.attempts, c.lastOutcome]).toEqual(
        outcomes.has(c.phone)
          ? [c.phone, 'recorded', 1, outcomes.get(c.phone)]
          : [c.phone, 'leased', 0, null],
      );
  });
}

/**
 * Abandoned customers while one of the agents was free the whole wait: no call of theirs
 * within AGENT_TURN_SLACK_MS of [answer, abandon]. A held agent nobody hands over shows here.
 */
function abandonsWhileAnAgentWasFree(campaignId: string): string[] {
  const ended = new Map(ofType(calls.events, 'call.ended').map((e) => [e['callId'] as string, e]));
  const busy = new Map<string, Array<[number, number]>>(agents.map((id) => [id, []]));
  for (const c of ofType(calls.events, 'call.agentConnected')) {
    const end = ended.get(c['callId'] as string);
    busy
      .get(c['agentId'] as string)
      ?.push([
        Date.parse(c['connectedAt'] as string) - AGENT_TURN_SLACK_MS,
        end ? Date.parse(end['endedAt'] as string) + AGENT_TURN_SLACK_MS : Infinity,
      ]);
  }
  const problems: string[] = [];
  for (const a of forCampaign('call.abandoned', campaignId)) {
    const from = Date.parse(a['answeredAt'] as string);
    const to = Date.parse(a['abandonedAt'] as string);
    const free = agents.filter((id) => busy.get(id)!.every(([start, end]) => end <= from || start >= to));
    if (free.length > 0)
      problems.push(`${a['callId'] as string} (${a['reason'] as string}) while ${free.join(', ')} free`);
  }
  return problems;
}

/** The most live answers of the campaign within any 5 s (the window the runner rates answers over). */
function peakAnswersIn5s(campaignId: string): number {
  const at = forCampaign('call.answered', campaignId)
    .map((a) => Date.parse(a['answeredAt'] as string))
    .sort((x, y) => x - y);
  let peak = 0;
  for (let i = 0, j = 0; j < at.length; j++) {
    while (at[j]! - at[i]! > 5_000) i++;
    peak = Math.max(peak, j - i + 1);
  }
  return peak;
}

/** The campaign completed: its runner stops, every agent is ready for the next case. */
async function completeAndExpectAgentsReady(campaign: Campaign): Promise<void> {
  await stack.bus.request(campaignRpcs.transitionCampaign, { campaignId: campaign.id, action: 'complete' });
  await waitFor(async () => (await agentStates(stack.bus, agents)).every((s) => s === 'ready'), {
    timeoutMs: STANDBY_RESERVATION_MS + 5_000,
    description: 'every agent ready',
  });
}

async function scrape(dialer: DialerProcess): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${dialer.httpPort}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** The sum of a metric's series whose labels include `labels` (0: no such series). */
async function metric(dialer: DialerProcess, name: string, labels: Record<string, string>): Promise<number> {
  let sum = 0;
  for (const line of (await scrape(dialer)).split('\n')) {
    const m = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const has = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => has[k] === v)) sum += Number(m[3]);
  }
  return sum;
}
