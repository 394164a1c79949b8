import { randomUUID } from 'node:crypto';
import { startStackForTest, type StackUnderTest } from '@autotelesale/service-testing';
import {
  abandonMinutesRpc,
  callAbandonedEvent,
  callAnsweredEvent,
  callDialedEvent,
  createEvent,
  type EventEnvelope,
} from '@autotelesale/contracts';
import { waitFor } from '@autotelesale/testing';
import {
  AGENT_SEATS,
  collectCallEvents,
  createAgents,
  createRunningCampaign,
  ofType,
  phoneEnding,
  scenario,
} from './dialer-fixtures';
import { buildDialer, startDialerProcess, type DialerProcess } from './dialer-process';
import { SERVICES } from './stack';
import { FS_SIM_TIME_SCALE, startSwitchUnderTest, switchMs, type SwitchUnderTest } from './switch-under-test';

/**
 * A replica that takes a campaign over paces it as if it had seen the calls of the replica
 * that died: its abandon window is seeded from reporting-service. The dead replica's day
 * is published as it would have published it (25 live answers, 5 abandons: 20 % against a
 * 3 % cap); the new replica must stop at the cap (one call per uncovered ready agent),
 * while a campaign with no past, paced the same way beside it, dials ahead of its agent.
 */
const EXTENSIONS = AGENT_SEATS.slice(10, 12);
let fs: SwitchUnderTest;
let stack: StackUnderTest;
let calls: ReturnType<typeof collectCallEvents>;
const dialers: DialerProcess[] = [];

beforeAll(async () => {
  buildDialer();
  fs = await startSwitchUnderTest({ nodes: 1, scenario: scenario(EXTENSIONS), timeScale: FS_SIM_TIME_SCALE });
  stack = await startStackForTest([SERVICES.campaign, SERVICES.agent, SERVICES.reporting], {});
  calls = collectCallEvents(stack.bus);
}, 90_000);

afterAll(async () => {
  calls?.stop();
  for (const d of dialers) await d.kill();
  await stack?.stop();
  await fs?.stop();
});

/** The calls a dead replica made for the campaign: `live` live answers, `abandons` of them abandoned. */
function pastDay(campaignId: string, live: number, abandons: number): EventEnvelope[] {
  const events: EventEnvelope[] = [];
  const now = Date.now();
  for (let i = 0; i < live; i++) {
    const callId = randomUUID();
    const dialedAt = new Date(now - 3_600_000 + i * 60_000);
    const answeredAt = new Date(dialedAt.getTime() + 5_000);
    const ref = { callId, campaignId };
    const event = (def: Parameters<typeof createEvent>[0], version: number, payload: unknown) =>
      createEvent(def, {
        aggregateId: callId,
        aggregateVersion: version,
        producer: 'dialer',
        payload,
      } as never);
    events.push(
      event(callDialedEvent, 1, {
        ...ref,
        attemptId: randomUUID(),
        contactId: randomUUID(),
        dialerId: 'dialer-dead',
        node: 'fs1',
        mode: 'predictive',
        phone: '+84961166133',
        dialedAt: dialedAt.toISOString(),
      }),
      event(callAnsweredEvent, 2, { ...ref, answeredAt: answeredAt.toISOString(), amd: 'notRun' }),
    );
    if (i < abandons)
      events.push(
        event(callAbandonedEvent, 3, {
          ...ref,
          answeredAt: answeredAt.toISOString(),
          abandonedAt: new Date(answeredAt.getTime() + 8_000).toISOString(),
          reason: 'noAgentWithinGrace',
          identificationPlayed: false,
        }),
      );
  }
  return events;
}

/** Most calls of the campaign the new replica had in flight at once, from its call.dialed and call.ended events in order. */
function mostInFlight(campaignId: string): number {
  const mine = new Set<string>();
  let most = 0;
  for (const e of calls.events) {
    const p = e.payload as { campaignId?: string; callId?: string; dialerId?: string };
    if (p.campaignId !== campaignId || !p.callId) continue;
    if (e.type === 'call.dialed' && p.dialerId === 'dialer-taker') {
      mine.add(p.callId);
      most = Math.max(most, mine.size);
    }
    if (e.type === 'call.ended') mine.delete(p.callId);
  }
  return most;
}

it(
  'takes a campaign over at its abandon cap and paces it as the dead replica would have: one call per free agent',
  async () => {
    const [fresh, seeded] = await createAgents(stack.bus, EXTENSIONS);
    const settings = (agentId: string) => ({
      mode: 'predictive' as const,
      agents: [{ agentId }],
      pacing: { ratio: 3, ringTimeoutSeconds: 15, abandonRateCap: 0.03 },
    });
    const phones = Array.from({ length: 9 }, () => phoneEnding('01'));
    const atCap = await createRunningCampaign(stack.bus, settings(seeded!), phones);
    for (const e of pastDay(atCap.id, 25, 5))
      await stack.bus.publishEvent(stack.topology.events.call(e.aggregateId), e);
    await waitFor(
      async () => {
        const reply = await stack.bus.request(abandonMinutesRpc, { campaignId: atCap.id });
        return reply.minutes.reduce((n, m) => n + m.abandons, 0) === 5;
      },
      { timeoutMs: 20_000, description: 'reporting to hold the dead replica day' },
    );
    const noPast = await createRunningCampaign(stack.bus, settings(fresh!), phones);

    dialers.push(
      await startDialerProcess({
        ATS_NATS_URL: process.env['ATS_NATS_URL']!,
        ATS_NAMESPACE: stack.topology.namespace,
        ATS_FS_NODES: fs.nodesEnv,
        ATS_DIALER_ID: 'dialer-taker',
        ATS_DIALER_OWNERSHIP_LEASE_MS: '1500',
      }),
    );
    const dialedOf = (id: string) =>
      ofType(calls.events, 'call.dialed').filter(
        (e) => e['campaignId'] === id && e['dialerId'] === 'dialer-taker',
      );
    await waitFor(() => dialedOf(atCap.id).length >= 4 && dialedOf(noPast.id).length >= 4, {
      timeoutMs: switchMs(60_000),
    });
    // At the cap: never more calls than its one agent (each live answer can reach it).
    expect(mostInFlight(atCap.id)).toBe(1);
    // The same pacing with no past dials ahead of its agent (ratio 3).
    expect(mostInFlight(noPast.id)).toBeGreaterThan(1);
  },
  switchMs(120_000),
);
