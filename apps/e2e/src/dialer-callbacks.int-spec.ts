import { campaignRpcs, type Campaign } from '@autotelesale/contracts';
import type { StackUnderTest } from '@autotelesale/service-testing';
import { waitFor, waitForQuiescence } from '@autotelesale/testing';
import {
  AGENT_SEATS,
  agentStates,
  collectCallEvents,
  createAgents,
  ofType,
  overlappingAgentCalls,
  phoneEnding,
} from './dialer-fixtures';
import { startDialerStack, stopDialerStack } from './dialer-stack';
import { switchMs, type SwitchUnderTest } from './switch-under-test';

/**
 * Callbacks (seed 002): "call me back at 3 pm, ask for me" (an agent's own) or anyone's,
 * ahead of every other contact, first in first out; a call-back campaign (missed inbound
 * callers, the surge attendant's numbers) rings an agent first, then dials the customer.
 */
/** Seats 2001-2002 for the call-back campaign, 2003-2005 for the predictive one (an extension is one agent's). */
const EXTENSIONS = AGENT_SEATS.slice(0, 5);
let fs: SwitchUnderTest;
let stack: StackUnderTest;
let calls: ReturnType<typeof collectCallEvents>;

beforeAll(async () => {
  ({ fs, stack, calls } = await startDialerStack({
    extensions: EXTENSIONS,
    dialerId: 'dialer-callbacks-e2e',
  }));
}, 60_000);

afterAll(() => stopDialerStack({ fs, stack, calls }));

const forCampaign = (type: string, campaignId: string) =>
  ofType(calls.events, type).filter((e) => e['campaignId'] === campaignId);

/** A campaign with no list: its contacts come from the callbacks scheduled on bare numbers. */
async function campaignOf(mode: 'call-back' | 'predictive', agentIds: string[]): Promise<Campaign> {
  return stack.bus.request(campaignRpcs.createCampaign, {
    name: `callbacks e2e ${mode}`,
    mode,
    callingHours: {
      timeZone: 'UTC',
      timeZonePolicy: 'campaign',
      windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: '00:00', end: '24:00' }],
    },
    wrapUpSeconds: 0,
    agents: agentIds.map((agentId) => ({ agentId })),
    pacing: { ringTimeoutSeconds: 15 },
  });
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

describe('a call-back campaign', () => {
  it('rings an agent first, dials callbacks first in first out, and gives an agent’s own callback to that agent', async () => {
    const agents = await createAgents(stack.bus, EXTENSIONS.slice(0, 2));
    const [, owner] = agents as [string, string];
    const campaign = await campaignOf('call-back', agents);
    const asked = [
      { phone: phoneEnding('01'), dueAt: minutesAgo(30), ownerAgentId: null },
      { phone: phoneEnding('01'), dueAt: minutesAgo(20), ownerAgentId: owner },
      { phone: phoneEnding('01'), dueAt: minutesAgo(10), ownerAgentId: null },
    ];
    const callbacks = [];
    for (const a of asked)
      callbacks.push(
        await stack.bus.request(campaignRpcs.scheduleCallback, {
          campaignId: campaign.id,
          ...a,
          requestedBy: 'ivr',
        }),
      );
    await stack.bus.request(campaignRpcs.transitionCampaign, { campaignId: campaign.id, action: 'start' });

    await waitFor(() => forCampaign('call.ended', campaign.id).length >= asked.length, {
      timeoutMs: switchMs(60_000),
      description: 'every callback to be called back',
    });
    expect(await waitForQuiescence(() => forCampaign('call.ended', campaign.id).length)).toBe(asked.length);

    const ended = new Map(forCampaign('call.ended', campaign.id).map((e) => [e['contactId'] as string, e]));
    for (const cb of callbacks) expect(ended.get(cb.contactId)).toMatchObject({ outcome: 'answered' });
    // Agent first: every call was placed for an agent already reserved, so nobody waited alone.
    expect(forCampaign('call.abandoned', campaign.id)).toEqual([]);
    expect(ended.get(callbacks[1]!.contactId)).toMatchObject({ agentId: owner });
    const dialed = forCampaign('call.dialed', campaign.id).map((e) => e['contactId']);
    expect(dialed.indexOf(callbacks[0]!.contactId)).toBeLessThan(dialed.indexOf(callbacks[2]!.contactId));
    expect(overlappingAgentCalls(calls.events)).toEqual([]);
    await waitFor(async () => (await agentStates(stack.bus, agents)).every((s) => s === 'ready'));
  });
});

describe('a predictive campaign', () => {
  it('dials an agent’s own callbacks for that agent only, one at a time, and anyone’s for whoever is free', async () => {
    const agents = await createAgents(stack.bus, EXTENSIONS.slice(2, 5));
    const owner = agents[1]!;
    const campaign = await campaignOf('predictive', agents);
    const asked = [
      ...[30, 29, 28].map((m) => ({ phone: phoneEnding('01'), dueAt: minutesAgo(m), ownerAgentId: owner })),
      ...[27, 26, 25].map((m) => ({ phone: phoneEnding('01'), dueAt: minutesAgo(m), ownerAgentId: null })),
    ];
    const callbacks = [];
    for (const a of asked)
      callbacks.push(
        await stack.bus.request(campaignRpcs.scheduleCallback, { campaignId: campaign.id, ...a }),
      );
    await stack.bus.request(campaignRpcs.transitionCampaign, { campaignId: campaign.id, action: 'start' });

    await waitFor(() => forCampaign('call.ended', campaign.id).length >= asked.length, {
      timeoutMs: switchMs(90_000),
      description: 'every callback to be called back',
    });
    expect(await waitForQuiescence(() => forCampaign('call.ended', campaign.id).length)).toBe(asked.length);
    const ended = new Map(forCampaign('call.ended', campaign.id).map((e) => [e['contactId'] as string, e]));
    // Three customers asked for the same agent: each reached that agent (by luck: 1 in 27).
    for (const cb of callbacks.slice(0, 3))
      expect(ended.get(cb.contactId)).toMatchObject({ outcome: 'answered', agentId: owner });
    for (const cb of callbacks.slice(3))
      expect(ended.get(cb.contactId)).toMatchObject({ outcome: 'answered' });
    expect(forCampaign('call.abandoned', campaign.id)).toEqual([]);
    expect(overlappingAgentCalls(calls.events)).toEqual([]);
    await waitFor(async () => (await agentStates(stack.bus, agents)).every((s) => s === 'ready'));
  });
});
