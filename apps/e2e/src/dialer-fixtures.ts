import {
  campaignRpcs,
  createAgentRpc,
  listAgentStatusesRpc,
  loginRpc,
  readyRpc,
  type AgentStatus,
  type Campaign,
  type CampaignSettingsInput,
  type EventEnvelope,
} from '@autotelesale/contracts';
import type { NatsBus } from '@autotelesale/messaging';
import { waitFor } from '@autotelesale/testing';

/**
 * Customers by the last digits of their number, the one place both worlds read:
 * - `behaviour`: what fs-sim plays (a scenario override by suffix), in simulated ms; the
 *   specs run fs-sim at time scale 0.1, so 15 s of talk is 1.5 s of wall time (still far
 *   longer than connecting them takes: a customer who hangs up while waiting counts as
 *   abandoned);
 * - `forge`: what plays it on real FreeSWITCH in the forge job: the sipp scenario
 *   (deploy/freeswitch/sipp/<name>.xml) the carrier (deploy/freeswitch/ci/conf) bridges
 *   the number to, or the SIP response the carrier answers itself. Same outcome, real-time
 *   durations (sipp talks 15 s).
 * freeswitch-e2e.int-spec.ts checks the carrier's routes and the workflow's sipp instances
 * against this list.
 */
export const CUSTOMER_BEHAVIOURS = [
  {
    suffix: '01',
    behaviour: { kind: 'answer', progressMs: 50, ringMs: 3_000, talkMs: 15_000 },
    forge: 'answer-talk-hangup',
  },
  {
    suffix: '02',
    behaviour: { kind: 'answer', progressMs: 50, ringMs: 6_000, talkMs: 25_000 },
    forge: 'answer-talk-hangup',
  },
  { suffix: '03', behaviour: { kind: 'busy', progressMs: 50, ringMs: 3_000 }, forge: 'busy' },
  { suffix: '04', behaviour: { kind: 'no-answer', progressMs: 50 }, forge: 'no-answer' },
  { suffix: '05', behaviour: { kind: 'invalid-number', ringMs: 1_000 }, forge: '404 Not Found' },
  // Talks for an hour on fs-sim (a spec hangs it up through the control API); 15 s on sipp.
  {
    suffix: '09',
    behaviour: { kind: 'answer', progressMs: 50, ringMs: 300, talkMs: 3_600_000 },
    forge: 'answer-talk-hangup',
  },
  // Early media (183) before the answer: manual and preview bridge the agent to it (sipp: 180, no SDP).
  {
    suffix: '06',
    behaviour: { kind: 'answer', progressMs: 50, earlyMedia: true, ringMs: 12_000, talkMs: 15_000 },
    forge: 'answer-talk-hangup',
  },
  // Early media and never an answer: the agent hears the ringback, the call ends unanswered.
  {
    suffix: '07',
    behaviour: { kind: 'no-answer', progressMs: 50, earlyMedia: true, ringMs: 2_000 },
    forge: 'no-answer',
  },
] as const;

/**
 * The agent seats a spec may use: FreeSWITCH's shipped directory
 * (deploy/freeswitch/conf/directory/default/autotelesale-agents.xml, 2001-2020), where the
 * forge job's sipp registers and auto-answers every one; fs-sim gets them from `scenario`.
 * Specs run one at a time (--runInBand), so each may use any of them.
 */
export const AGENT_SEATS = Array.from({ length: 20 }, (_, i) => String(2001 + i));

export const EXPECTED_OUTCOME: Record<string, string> = {
  '01': 'answered',
  '02': 'answered',
  '03': 'busy',
  '04': 'noAnswer',
  '05': 'invalidNumber',
  '06': 'answered',
  '07': 'noAnswer',
};

export function scenario(agentExtensions: string[]) {
  return {
    gateways: { gw1: {} },
    playback: { defaultMs: 1_000 },
    overrides: CUSTOMER_BEHAVIOURS.map((o) => ({ suffix: o.suffix, behaviour: o.behaviour })),
    agents: agentExtensions.map((ext) => ({ ext, registered: true, autoAnswer: true, answerDelayMs: 20 })),
  };
}

let phoneSeq = 0;
/** A Vietnamese mobile number ending in `suffix`, unique in the run. */
export function phoneEnding(suffix: string): string {
  phoneSeq++;
  return `+8490${String(1000 + (phoneSeq % 9000)).padStart(4, '0')}1${suffix}`;
}

export async function createAgents(bus: NatsBus, extensions: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const extension of extensions) {
    const agent = await bus.request(createAgentRpc, { name: `Agent ${extension}`, extension });
    await bus.request(loginRpc, { agentId: agent.agentId });
    await bus.request(readyRpc, { agentId: agent.agentId });
    ids.push(agent.agentId);
  }
  return ids;
}

export async function createRunningCampaign(
  bus: NatsBus,
  settings: Partial<CampaignSettingsInput>,
  phones: string[],
): Promise<Campaign> {
  const campaign = await bus.request(campaignRpcs.createCampaign, {
    name: `dialer e2e ${settings.mode}`,
    mode: 'progressive',
    callingHours: {
      timeZone: 'UTC',
      timeZonePolicy: 'campaign',
      windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '24:00' }],
    },
    wrapUpSeconds: 0,
    ...settings,
  });
  const list = await bus.request(campaignRpcs.createList, { campaignId: campaign.id, name: 'e2e' });
  const csv = `phone,name\n${phones.map((p, i) => `${p},Customer ${i}`).join('\n')}\n`;
  const started = await bus.request(campaignRpcs.startImport, { listId: list.id, format: 'csv' });
  await bus.request(
    campaignRpcs.importChunk,
    { importId: started.importId, seq: 0, data: Buffer.from(csv).toString('base64'), last: true },
    { timeoutMs: 30_000 },
  );
  return bus.request(campaignRpcs.transitionCampaign, { campaignId: campaign.id, action: 'start' });
}

/** Every call event of the namespace, as published (core NATS sees JetStream publishes). */
export function collectCallEvents(bus: NatsBus): { events: EventEnvelope[]; stop: () => void } {
  const events: EventEnvelope[] = [];
  const sub = bus.nc.subscribe(bus.topology.events.allCalls, {
    callback: (_err, msg) => {
      events.push(JSON.parse(new TextDecoder().decode(msg.data)) as EventEnvelope);
    },
  });
  return { events, stop: () => sub.unsubscribe() };
}

export const ofType = (events: EventEnvelope[], type: string) =>
  events.filter((e) => e.type === type).map((e) => e.payload as Record<string, unknown>);

/**
 * The invariant "no agent ever has two customers": from the events, each agent's
 * connected intervals [connectedAt, endedAt] never overlap.
 */
export function overlappingAgentCalls(events: EventEnvelope[]): string[] {
  const ended = new Map(ofType(events, 'call.ended').map((e) => [e['callId'] as string, e]));
  const perAgent = new Map<string, Array<[number, number, string]>>();
  for (const c of ofType(events, 'call.agentConnected')) {
    const end = ended.get(c['callId'] as string);
    const from = Date.parse(c['connectedAt'] as string);
    const to = end ? Date.parse(end['endedAt'] as string) : Infinity;
    const list = perAgent.get(c['agentId'] as string) ?? [];
    list.push([from, to, c['callId'] as string]);
    perAgent.set(c['agentId'] as string, list);
  }
  const problems: string[] = [];
  for (const [agentId, list] of perAgent) {
    list.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < list.length; i++)
      if (list[i]![0] < list[i - 1]![1]) problems.push(`${agentId}: ${list[i - 1]![2]} and ${list[i]![2]}`);
  }
  return problems;
}

export async function agentStates(bus: NatsBus, agentIds: string[]): Promise<string[]> {
  const { items } = await bus.request(listAgentStatusesRpc, { agentIds });
  return items.map((a) => a.state);
}

/** Waits for every agent to be ready; on timeout, the error names the ones that are not and why. */
export async function expectAgentsReady(bus: NatsBus, agentIds: string[], timeoutMs: number): Promise<void> {
  let last: AgentStatus[] = [];
  await waitFor(
    async () => {
      last = (await bus.request(listAgentStatusesRpc, { agentIds })).items;
      return last.every((a) => a.state === 'ready');
    },
    { timeoutMs, description: 'every agent ready again' },
  ).catch((error: unknown) => {
    const stuck = last
      .filter((a) => a.state !== 'ready')
      .map(({ agentId, state, stateSince, campaignId, reservationId, callId, reservationExpiresAt }) => ({
        agentId,
        state,
        stateSince,
        campaignId,
        reservationId,
        callId,
        reservationExpiresAt,
      }));
    throw new Error(`${String(error)}: ${JSON.stringify(stuck)}`);
  });
}
