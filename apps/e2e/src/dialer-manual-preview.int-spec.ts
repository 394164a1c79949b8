import { randomUUID } from 'node:crypto';
import {
  AtsError,
  campaignRpcs,
  complianceRpcs,
  dialerAgentRpcs,
  notReadyRpc,
  type ManualDialReply,
} from '@autotelesale/contracts';
import { startStackForTest, type StackUnderTest } from '@autotelesale/service-testing';
import { startFsSimProcess, waitFor, waitForQuiescence, type FsSimProcess } from '@autotelesale/testing';
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
import { SERVICES } from './stack';

/**
 * Manual (the agent clicks to dial) and preview (the agent sees the contact first) on
 * real NATS, PostgreSQL and fs-sim: the agent is reserved before the dial and bridged on
 * the first media, every contact ends with exactly one outcome, no agent ever has two
 * customers, a skipped contact comes back (a `skipped` outcome, not an attempt), a
 * preview nobody decides is dialed or skipped as its campaign says, and an agent can dial
 * the contact they chose (click-to-call) or is told, typed, why not.
 */
const EXTENSIONS = ['4001', '4002', '4003', '4004', '4005', '4006', '4007', '4008', '4009', '4010'];
let fs: FsSimProcess;
let stack: StackUnderTest;
let calls: ReturnType<typeof collectCallEvents>;

beforeAll(async () => {
  fs = await startFsSimProcess({ nodes: 1, scenario: scenario(EXTENSIONS), timeScale: 0.1 });
  stack = await startStackForTest([SERVICES.campaign, SERVICES.agent, SERVICES.dialer], {
    ATS_FS_NODES: fs.nodesEnv,
    ATS_DIALER_ID: 'dialer-manual-preview',
    ATS_DIALER_OWNERSHIP_LEASE_MS: '1500',
    ATS_DIALER_DRAIN_TIMEOUT_MS: '5000',
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

const reasonOf = (error: unknown) =>
  error instanceof AtsError
    ? ((error.details as { reason?: string } | undefined)?.reason ?? error.code)
    : String(error);

/** What the agent's click answers: the call, or the typed refusal's reason. */
async function clickDial(
  campaignId: string,
  agentId: string,
  contactId?: string,
): Promise<ManualDialReply | string> {
  try {
    return await stack.bus.request(dialerAgentRpcs.manualDial, { campaignId, agentId, contactId });
  } catch (error) {
    return reasonOf(error);
  }
}

/** Every contact ended once with the outcome its number gives; agents free again. */
async function expectOneOutcomePerContact(
  campaignId: string,
  phones: string[],
  suffixes: string[],
  agents: string[],
) {
  await waitFor(() => forCampaign('call.ended', campaignId).length >= phones.length, { timeoutMs: 60_000 });
  expect(
    await waitForQuiescence(() => forCampaign('call.ended', campaignId).length, { quietMs: 1_000 }),
  ).toBe(phones.length);
  const ended = forCampaign('call.ended', campaignId);
  expect(new Set(ended.map((e) => e['contactId'])).size).toBe(phones.length);
  for (const [i, phone] of phones.entries())
    expect([phone, ended.find((e) => e['phone'] === phone)?.['outcome']]).toEqual([
      phone,
      EXPECTED_OUTCOME[suffixes[i]!],
    ]);
  expect(forCampaign('call.abandoned', campaignId)).toEqual([]);
  expect(overlappingAgentCalls(calls.events)).toEqual([]);
  await waitFor(async () => (await agentStates(stack.bus, agents)).every((s) => s === 'ready'), {
    timeoutMs: 15_000,
  });
}

describe('manual', () => {
  it('dials the next contact when the agent clicks, bridges them to the ringback, records one outcome per contact', async () => {
    const agents = await createAgents(stack.bus, EXTENSIONS.slice(0, 2));
    const suffixes = ['06', '01', '03', '07', '02'];
    const phones = suffixes.map(phoneEnding);
    const campaign = await createRunningCampaign(
      stack.bus,
      { mode: 'manual', agents: agents.map((agentId) => ({ agentId })), pacing: { ringTimeoutSeconds: 15 } },
      phones,
    );
    const early = phones[0]!.slice(1);
    let heardRingback = false;
    const dialed: ManualDialReply[] = [];
    await waitFor(
      async () => {
        // The agent of the early-media customer is bridged while it still rings (EARLY).
        const channels = (await fs.get('/channels')) as Array<Record<string, unknown>>;
        if (channels.some((c) => c['number'] === early && c['callState'] === 'EARLY' && c['bridgedTo']))
          heardRingback = true;
        for (const agentId of agents) {
          const answer = await clickDial(campaign.id, agentId);
          if (typeof answer !== 'string') dialed.push(answer);
          else expect(['AGENT_NOT_READY', 'NO_CONTACT_DIALABLE']).toContain(answer);
        }
        return dialed.length === phones.length && heardRingback;
      },
      { timeoutMs: 60_000, intervalMs: 50, description: 'every contact dialed by a click' },
    );
    expect(new Set(dialed.map((d) => d.contact.phone))).toEqual(new Set(phones));
    // No call is started without a click.
    expect(
      forCampaign('call.dialed', campaign.id)
        .map((d) => d['callId'])
        .sort(),
    ).toEqual(dialed.map((d) => d.callId).sort());
    await expectOneOutcomePerContact(campaign.id, phones, suffixes, agents);
    // Nothing left: the next click says so, typed.
    expect(await clickDial(campaign.id, agents[0]!)).toBe('NO_CONTACT_DIALABLE');
    // The customer who never answered (early media only) is noAnswer: the agent heard the
    // ringback but was never connected, and went back to ready without a wrap-up.
    const unanswered = forCampaign('call.ended', campaign.id).find((e) => e['phone'] === phones[3])!;
    expect(unanswered).toMatchObject({ outcome: 'noAnswer', liveAnswer: false, agentId: null });
    const connected = forCampaign('call.agentConnected', campaign.id);
    for (const c of connected)
      expect(dialed.find((d) => d.callId === c['callId'])?.agentId).toBe(c['agentId']);
  }, 120_000);

  it('dials the contact the agent chose, ahead of the queue; refuses a DNC, unknown or already taken contact, typed', async () => {
    const agents = await createAgents(stack.bus, EXTENSIONS.slice(7, 9));
    const [a, b] = agents as [string, string];
    const suffixes = ['01', '06', '01', '03'];
    const phones = suffixes.map(phoneEnding);
    const campaign = await createRunningCampaign(
      stack.bus,
      { mode: 'manual', agents: agents.map((agentId) => ({ agentId })), pacing: { ringTimeoutSeconds: 15 } },
      phones,
    );
    const contacts = (
      await stack.bus.request(campaignRpcs.listContacts, { campaignId: campaign.id, limit: 10 })
    ).items;
    const idOf = (i: number) => contacts.find((c) => c.phone === phones[i])!.id;
    await stack.bus.request(complianceRpcs.addDncEntries, {
      list: { kind: 'campaign', campaignId: campaign.id },
      phones: [phones[2]!],
      reason: 'asked not to be called',
    });
    // The last contact of the queue, chosen in the CRM, is the one dialed.
    const chosen = await waitFor(
      async () => {
        const answer = await clickDial(campaign.id, a, idOf(3));
        if (typeof answer !== 'string') return answer;
        expect(answer).toBe('AGENT_NOT_READY');
        return undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, description: "agent a's click on the chosen contact" },
    );
    expect(chosen.contact).toMatchObject({ contactId: idOf(3), phone: phones[3], attemptNumber: 1 });
    expect(forCampaign('call.dialed', campaign.id)[0]?.['contactId']).toBe(idOf(3));
    // A number on the campaign's DNC list is refused, and nothing else is dialed instead.
    await waitFor(async () => (await clickDial(campaign.id, b, idOf(2))) === 'CONTACT_NOT_COMPLIANT', {
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    expect(await clickDial(campaign.id, b, randomUUID())).toBe('NOT_FOUND');
    expect(await clickDial(campaign.id, b, idOf(2))).toBe('CONTACT_DONE');
    expect(forCampaign('call.dialed', campaign.id)).toHaveLength(1);
    // Both agents click the same contact at once: one call, the other told it is taken.
    await waitFor(async () => (await agentStates(stack.bus, agents)).every((s) => s === 'ready'), {
      timeoutMs: 15_000,
    });
    const both = await Promise.all([clickDial(campaign.id, a, idOf(0)), clickDial(campaign.id, b, idOf(0))]);
    expect(both.filter((r) => typeof r === 'string')).toEqual(['CONTACT_LEASED']);
    const winner = both.find((r): r is ManualDialReply => typeof r !== 'string')!;
    expect(winner.contact.contactId).toBe(idOf(0));
    // The remaining contact by a plain click of the other agent.
    const other = winner.agentId === a ? b : a;
    await waitFor(async () => typeof (await clickDial(campaign.id, other)) !== 'string', {
      timeoutMs: 15_000,
      intervalMs: 100,
    });
    await expectOneOutcomePerContact(
      campaign.id,
      [phones[0]!, phones[1]!, phones[3]!],
      [suffixes[0]!, suffixes[1]!, suffixes[3]!],
      agents,
    );
    expect(await stack.bus.request(campaignRpcs.getContact, { contactId: idOf(2) })).toMatchObject({
      status: 'done',
      finalReason: 'doNotCall',
      attempts: 0,
    });
  }, 120_000);

  it('refuses, typed: an agent not ready, a campaign not manual, a campaign not running', async () => {
    const [agent] = await createAgents(stack.bus, EXTENSIONS.slice(2, 3));
    const manual = await createRunningCampaign(stack.bus, { mode: 'manual', agents: [{ agentId: agent! }] }, [
      phoneEnding('01'),
    ]);
    await stack.bus.request(notReadyRpc, { agentId: agent!, reasonCode: 'break' });
    await waitFor(async () => (await clickDial(manual.id, agent!)) === 'AGENT_NOT_READY');
    const preview = await createRunningCampaign(
      stack.bus,
      { mode: 'preview', agents: [{ agentId: agent! }] },
      [phoneEnding('01')],
    );
    await waitFor(async () => (await clickDial(preview.id, agent!)) === 'CAMPAIGN_NOT_MANUAL');
    const paused = await stack.bus.request(campaignRpcs.transitionCampaign, {
      campaignId: manual.id,
      action: 'pause',
    });
    expect(paused.status).toBe('paused');
    await waitFor(async () => (await clickDial(manual.id, agent!)) === 'CAMPAIGN_NOT_RUNNING');
    expect(forCampaign('call.dialed', manual.id)).toEqual([]);
  }, 60_000);
});

describe('preview', () => {
  it('shows each contact to a reserved agent; a skip gives the contact back, an accept dials it; one outcome each', async () => {
    const [agent] = await createAgents(stack.bus, EXTENSIONS.slice(3, 4));
    const suffixes = ['01', '06', '02'];
    const phones = suffixes.map(phoneEnding);
    const campaign = await createRunningCampaign(
      stack.bus,
      {
        mode: 'preview',
        agents: [{ agentId: agent! }],
        pacing: { previewSeconds: 60, ringTimeoutSeconds: 15 },
      },
      phones,
    );
    const handled = new Set<string>();
    let skippedContact: string | undefined;
    await waitFor(
      async () => {
        for (const offer of forCampaign('call.previewOffered', campaign.id)) {
          const previewId = offer['previewId'] as string;
          if (handled.has(previewId)) continue;
          handled.add(previewId);
          expect(offer).toMatchObject({ agentId: agent, previewSeconds: 60, onTimeout: 'dial' });
          // The agent is held for the preview: no other call may take them.
          expect(await agentStates(stack.bus, [agent!])).toEqual(['reserved']);
          const action = { campaignId: campaign.id, agentId: agent!, previewId };
          if (!skippedContact) {
            skippedContact = offer['contactId'] as string;
            await expect(stack.bus.request(dialerAgentRpcs.skipPreview, action)).resolves.toEqual({
              previewId,
              contactReturned: true,
            });
            // Decided once: a late accept is refused, typed.
            await expect(stack.bus.request(dialerAgentRpcs.acceptPreview, action)).rejects.toMatchObject({
              code: 'NOT_FOUND',
            });
          } else {
            const accepted = await stack.bus.request(dialerAgentRpcs.acceptPreview, action);
            expect(accepted.previewId).toBe(previewId);
          }
        }
        return forCampaign('call.ended', campaign.id).length >= phones.length;
      },
      { timeoutMs: 90_000, intervalMs: 50, description: 'every previewed contact dialed and ended' },
    );
    await expectOneOutcomePerContact(campaign.id, phones, suffixes, [agent!]);
    const decided = forCampaign('call.previewDecided', campaign.id);
    expect(decided.map((d) => [d['decision'], d['decidedBy']]).sort()).toEqual(
      [
        ['skip', 'agent'],
        ['dial', 'agent'],
        ['dial', 'agent'],
        ['dial', 'agent'],
      ].sort(),
    );
    // The skipped contact came back and was dialed later, once: the skip is in its history,
    // not in its attempts.
    expect(
      forCampaign('call.dialed', campaign.id).filter((d) => d['contactId'] === skippedContact),
    ).toHaveLength(1);
    await waitFor(async () => {
      const contact = await stack.bus.request(campaignRpcs.getContact, { contactId: skippedContact! });
      return contact.status === 'done' && contact;
    }).then((contact) =>
      expect(contact).toMatchObject({ attempts: 1, outcomeCounts: { skipped: 1, answered: 1 } }),
    );
    // Every dial followed an accepted preview.
    expect(new Set(forCampaign('call.dialed', campaign.id).map((d) => d['callId']))).toEqual(
      new Set(decided.filter((d) => d['decision'] === 'dial').map((d) => d['callId'])),
    );
  }, 120_000);

  it('dials a preview nobody decides when its time runs out (the campaign default, previewTimeoutAction dial)', async () => {
    const agents = await createAgents(stack.bus, EXTENSIONS.slice(4, 6));
    const suffixes = ['01', '06', '03', '01'];
    const phones = suffixes.map(phoneEnding);
    const campaign = await createRunningCampaign(
      stack.bus,
      {
        mode: 'preview',
        agents: agents.map((agentId) => ({ agentId })),
        pacing: { previewSeconds: 1, ringTimeoutSeconds: 15 },
      },
      phones,
    );
    await expectOneOutcomePerContact(campaign.id, phones, suffixes, agents);
    const offered = forCampaign('call.previewOffered', campaign.id);
    const decided = forCampaign('call.previewDecided', campaign.id);
    expect(offered).toHaveLength(phones.length);
    expect(decided.map((d) => [d['decision'], d['decidedBy']])).toEqual(
      phones.map(() => ['dial', 'timeout']),
    );
    for (const d of decided) {
      const offer = offered.find((o) => o['previewId'] === d['previewId'])!;
      expect(Date.parse(d['decidedAt'] as string)).toBeGreaterThanOrEqual(
        Date.parse(offer['expiresAt'] as string),
      );
    }
  }, 120_000);

  it('skips a preview nobody decides when its campaign says so: a skipped outcome, no dial, back after the skip delay', async () => {
    const [agent] = await createAgents(stack.bus, EXTENSIONS.slice(9, 10));
    const phones = ['01', '06'].map(phoneEnding);
    const campaign = await createRunningCampaign(
      stack.bus,
      {
        mode: 'preview',
        agents: [{ agentId: agent! }],
        pacing: { previewSeconds: 1, previewTimeoutAction: 'skip' },
        retryRules: { skippedDelaySeconds: 3600 },
      },
      phones,
    );
    await waitFor(() => forCampaign('call.previewDecided', campaign.id).length >= 2, { timeoutMs: 30_000 });
    expect(
      await waitForQuiescence(() => forCampaign('call.previewOffered', campaign.id).length, {
        quietMs: 1_500,
      }),
    ).toBe(2);
    expect(forCampaign('call.previewOffered', campaign.id).map((o) => o['onTimeout'])).toEqual([
      'skip',
      'skip',
    ]);
    expect(
      forCampaign('call.previewDecided', campaign.id).map((d) => [d['decision'], d['decidedBy']]),
    ).toEqual([
      ['skip', 'timeout'],
      ['skip', 'timeout'],
    ]);
    expect(forCampaign('call.dialed', campaign.id)).toEqual([]);
    const contacts = (
      await stack.bus.request(campaignRpcs.listContacts, { campaignId: campaign.id, limit: 10 })
    ).items;
    for (const contact of contacts) {
      expect(contact).toMatchObject({
        status: 'pending',
        attempts: 0,
        lastOutcome: 'skipped',
        outcomeCounts: { skipped: 1 },
      });
      expect(Date.parse(contact.dueAt!) - Date.now()).toBeGreaterThan(3_000_000);
    }
    await waitFor(async () => (await agentStates(stack.bus, [agent!]))[0] === 'ready', { timeoutMs: 15_000 });
    await stack.bus.request(campaignRpcs.transitionCampaign, { campaignId: campaign.id, action: 'pause' });
  }, 60_000);

  it("gives the contact back at once when the agent's phone drops during the preview, and shows it again", async () => {
    const [agent] = await createAgents(stack.bus, EXTENSIONS.slice(6, 7));
    const campaign = await createRunningCampaign(
      stack.bus,
      { mode: 'preview', agents: [{ agentId: agent! }], pacing: { previewSeconds: 60 } },
      [phoneEnding('01')],
    );
    const first = await waitFor(() => forCampaign('call.previewOffered', campaign.id)[0], {
      timeoutMs: 30_000,
    });
    await fs.control(`/agents/${EXTENSIONS[6]}/hangup`);
    const given = await waitFor(() => forCampaign('call.previewDecided', campaign.id)[0]);
    expect(given).toMatchObject({ previewId: first['previewId'], decision: 'skip', decidedBy: 'system' });
    // The phone is called again; the same contact is shown again, well before 60 s.
    const again = await waitFor(() => forCampaign('call.previewOffered', campaign.id)[1], {
      timeoutMs: 15_000,
    });
    expect(again).toMatchObject({ contactId: first['contactId'], agentId: agent });
    expect(forCampaign('call.dialed', campaign.id)).toEqual([]);
    await stack.bus.request(dialerAgentRpcs.skipPreview, {
      campaignId: campaign.id,
      agentId: agent!,
      previewId: again['previewId'] as string,
    });
    await stack.bus.request(campaignRpcs.transitionCampaign, { campaignId: campaign.id, action: 'pause' });
  }, 60_000);
});
