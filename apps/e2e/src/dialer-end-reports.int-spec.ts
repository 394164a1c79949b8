import { campaignRpcs, listAgentStatusesRpc, type EventEnvelope } from '@autotelesale/contracts';
import type { StackUnderTest } from '@autotelesale/service-testing';
import { waitFor, waitForQuiescence } from '@autotelesale/testing';
import {
  AGENT_SEATS,
  collectCallEvents,
  createAgents,
  createRunningCampaign,
  EXPECTED_OUTCOME,
  ofType,
  phoneEnding,
} from './dialer-fixtures';
import { startDialerStack, stopDialerStack } from './dialer-stack';
import { switchMs, type SwitchUnderTest } from './switch-under-test';

/**
 * `call.ended` is the last word on a call: when it is on the calls stream, the call's
 * outcome is in campaign-service and its agent is off the call. A replica taking a
 * campaign over carries to their end only the calls the stream shows unended, so a
 * `call.ended` that went out ahead of its reports (then lost with a killed replica) would
 * leave the contact leased and the agent on the call. The dialer here gathers its reports
 * over 250 ms (`ATS_DIALER_REPORT_BATCH_MS`, 20 by default), so an event sent ahead of
 * them is caught: each `call.ended` is checked against both services the moment it arrives.
 */
const EXTENSIONS = AGENT_SEATS.slice(0, 2);
let fs: SwitchUnderTest;
let stack: StackUnderTest;
let calls: ReturnType<typeof collectCallEvents>;

beforeAll(async () => {
  ({ fs, stack, calls } = await startDialerStack({
    extensions: EXTENSIONS,
    dialerId: 'dialer-end-reports',
    env: { ATS_DIALER_REPORT_BATCH_MS: '250' },
  }));
}, 60_000);

afterAll(() => stopDialerStack({ fs, stack, calls }));

interface SeenAtEnd {
  phone: string;
  outcome: string;
  contact: { status: string; attempts: number; lastOutcome: string | null };
  /** The call the ended call's agent is on, as agent-service says (null: none). */
  agentOnCall: string | null | undefined;
}

it('publishes call.ended only once the outcome is recorded and the agent is off the call', async () => {
  const agents = await createAgents(stack.bus, EXTENSIONS);
  const suffixes = ['01', '03', '01', '05', '01'];
  const phones = suffixes.map(phoneEnding);
  const seen: Array<Promise<SeenAtEnd>> = [];
  // What both services say the moment each call.ended arrives (before anything else is awaited).
  const sub = stack.bus.nc.subscribe(stack.bus.topology.events.allCalls, {
    callback: (_err, msg) => {
      const event = JSON.parse(new TextDecoder().decode(msg.data)) as EventEnvelope;
      if (event.type !== 'call.ended') return;
      const p = event.payload as Record<string, string | null>;
      seen.push(
        (async () => {
          const [contact, statuses] = await Promise.all([
            stack.bus.request(campaignRpcs.getContact, { contactId: p['contactId']! }),
            p['agentId'] ? stack.bus.request(listAgentStatusesRpc, { agentIds: [p['agentId']] }) : undefined,
          ]);
          return {
            phone: p['phone']!,
            outcome: p['outcome']!,
            contact: { status: contact.status, attempts: contact.attempts, lastOutcome: contact.lastOutcome },
            agentOnCall: statuses?.items[0]?.callId === p['callId'] ? p['callId'] : null,
          };
        })(),
      );
    },
  });
  try {
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
    await waitFor(() => ended().length >= phones.length, { timeoutMs: switchMs(60_000) });
    expect(await waitForQuiescence(() => ended().length)).toBe(phones.length);
    const atEnd = await Promise.all(seen);
    expect(atEnd).toHaveLength(phones.length);
    for (const [i, phone] of phones.entries()) {
      const at = atEnd.find((s) => s.phone === phone);
      const outcome = EXPECTED_OUTCOME[suffixes[i]!];
      expect([phone, at]).toEqual([
        phone,
        {
          phone,
          outcome,
          // Recorded: no longer leased, one attempt, its outcome.
          contact: { status: expect.not.stringMatching(/^leased$/), attempts: 1, lastOutcome: outcome },
          agentOnCall: null,
        },
      ]);
    }
    // The answered calls had an agent, who was off the call already when the event came.
    expect(ended().filter((e) => e['agentId'] !== null)).toHaveLength(3);
  } finally {
    sub.unsubscribe();
  }
}, 90_000);
