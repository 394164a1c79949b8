import { startStackForTest, type StackUnderTest } from '@autotelesale/service-testing';
import { waitFor, waitForQuiescence } from '@autotelesale/testing';
import {
  campaignRpcs,
  complianceRpcs,
  createAgentRpc,
  loginRpc,
  readyRpc,
  type Campaign,
  type Contact,
  type DialAudit,
} from '@autotelesale/contracts';
import {
  AGENT_SEATS,
  collectCallEvents,
  createAgents,
  createRunningCampaign,
  ofType,
  phoneEnding,
  scenario,
} from './dialer-fixtures';
import { SERVICES } from './stack';
import { FS_SIM_TIME_SCALE, startSwitchUnderTest, switchMs, type SwitchUnderTest } from './switch-under-test';

/**
 * Compliance on the real stack (campaign, agent and dialer services, fs-sim or the switch
 * ATS_E2E_FS_NODES names): the dialer
 * asks campaign-service to clear every dial, and campaign-service judges calling hours on
 * a scaled compliance clock, 2,880 times real time (a simulated day in 30 s), starting the
 * evening before the night New York moves its clocks forward.
 */
const CLOCK_START = '2026-03-07T20:00:00Z';
const SCALE = 2880;
const EXTENSIONS = AGENT_SEATS.slice(0, 6);
const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const ALWAYS_OPEN = {
  timeZone: 'UTC',
  timeZonePolicy: 'campaign' as const,
  windows: [{ days: [...EVERY_DAY], start: '00:00', end: '24:00' }],
};

let fs: SwitchUnderTest;
let stack: StackUnderTest;
let calls: ReturnType<typeof collectCallEvents>;

beforeAll(async () => {
  fs = await startSwitchUnderTest({ nodes: 1, scenario: scenario(EXTENSIONS), timeScale: FS_SIM_TIME_SCALE });
  stack = await startStackForTest([SERVICES.campaign, SERVICES.agent, SERVICES.dialer], {
    ATS_FS_NODES: fs.nodesEnv,
    ATS_DIALER_ID: 'dialer-compliance',
    ATS_DIALER_OWNERSHIP_LEASE_MS: '1500',
    ATS_DIALER_DRAIN_TIMEOUT_MS: '5000',
    ATS_COMPLIANCE_CLOCK: `${CLOCK_START}@${SCALE}`,
  });
  calls = collectCallEvents(stack.bus);
}, 60_000);

afterAll(async () => {
  calls?.stop();
  await stack?.stop();
  await fs?.stop();
  delete process.env['ATS_COMPLIANCE_CLOCK'];
});

const dialsOf = (campaignId: string) =>
  ofType(calls.events, 'call.dialed').filter((e) => e['campaignId'] === campaignId);
const endsOf = (campaignId: string) =>
  ofType(calls.events, 'call.ended').filter((e) => e['campaignId'] === campaignId);

async function contactsOf(campaign: Campaign): Promise<Contact[]> {
  return (await stack.bus.request(campaignRpcs.listContacts, { campaignId: campaign.id, limit: 500 })).items;
}

async function auditOf(contactId: string): Promise<DialAudit[]> {
  const items: DialAudit[] = [];
  let cursor: string | undefined;
  do {
    const page = await stack.bus.request(complianceRpcs.listDialAudit, { contactId, limit: 500, cursor });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

/** Local `HH:MM` of an instant in a zone, read with Intl alone (not with the code under test). */
function localClock(zone: string, iso: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
    .format(new Date(iso))
    .replace(/^24/, '00');
}

describe('a 24-hour simulated campaign across three zones', () => {
  it('starts no call outside 08:00-21:00 where the contact is, and calls every zone in its hours', async () => {
    const zoneOf: Record<string, string> = {};
    const phones: string[] = [];
    // Busy numbers (suffix 03, busy on either switch) retried every real second: dialed all through their hours.
    for (const [i, [prefix, zone]] of (
      [
        ['+8490123', 'Asia/Ho_Chi_Minh'],
        ['+1212555', 'America/New_York'],
        ['+44207946', 'Europe/London'],
      ] as const
    ).entries()) {
      for (const n of [1, 2]) {
        const phone = `${prefix}${i}${n}03`;
        zoneOf[phone] = zone;
        phones.push(phone);
      }
    }
    const agents = await createAgents(stack.bus, EXTENSIONS.slice(0, 2));
    const campaign = await createRunningCampaign(
      stack.bus,
      {
        mode: 'progressive',
        agents: agents.map((agentId) => ({ agentId })),
        pacing: { ringTimeoutSeconds: 15 },
        callingHours: {
          timeZone: 'UTC',
          timeZonePolicy: 'contact',
          windows: [{ days: [...EVERY_DAY], start: '08:00', end: '21:00' }],
        },
        retryRules: { busy: { delaySeconds: 1, maxAttempts: 100 }, maxTotalAttempts: 100 },
      },
      phones,
    );
    const contacts = await contactsOf(campaign);
    expect(contacts.map((c) => c.phone).sort()).toEqual([...phones].sort());

    // Run until the compliance clock has covered a whole day since the first decision.
    const decided = async () => {
      const all = (await Promise.all(contacts.map((c) => auditOf(c.id)))).flat();
      return all.map((a) => Date.parse(a.decidedFor));
    };
    await waitFor(
      async () => {
        const times = await decided();
        return times.length > 0 && Math.max(...times) - Math.min(...times) >= 24 * 3_600_000;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    await stack.bus.request(campaignRpcs.transitionCampaign, { campaignId: campaign.id, action: 'pause' });
    await waitForQuiescence(() => endsOf(campaign.id).length, { quietMs: 1_000, timeoutMs: 20_000 });

    const audits = new Map(contacts.map((c) => [c.id, [] as DialAudit[]]));
    for (const c of contacts) audits.set(c.id, await auditOf(c.id));
    const phoneOf = new Map(contacts.map((c) => [c.id, c.phone]));
    const clearedDials = [...audits.values()].flat().filter((a) => a.stage === 'dial' && a.allowed);
    const clearanceOf = new Map(clearedDials.map((a) => [a.attemptId, a]));

    // Every call started had its clearance, and every clearance was inside the contact's hours.
    const dialed = dialsOf(campaign.id);
    expect(dialed.length).toBeGreaterThan(phones.length);
    expect(dialed.filter((d) => !clearanceOf.has(d['attemptId'] as string))).toEqual([]);
    const outside = clearedDials
      .map((a) => {
        const zone = zoneOf[phoneOf.get(a.contactId)!]!;
        return { zone, local: localClock(zone, a.decidedFor) };
      })
      .filter(({ local }) => local < '08:00' || local >= '21:00');
    expect(outside).toEqual([]);

    // Every zone was called, and every zone was refused outside its hours at some point.
    for (const zone of new Set(Object.values(zoneOf))) {
      const ofZone = contacts.filter((c) => zoneOf[c.phone] === zone).flatMap((c) => audits.get(c.id)!);
      expect([zone, ofZone.some((a) => a.stage === 'dial' && a.allowed)]).toEqual([zone, true]);
      expect([zone, ofZone.some((a) => !a.allowed && a.reason === 'outsideHours')]).toEqual([zone, true]);
    }
  }, 150_000);
});

describe('do-not-call while leased', () => {
  it(
    'a number put on the campaign list while its contact is leased is never dialed',
    async () => {
      // Agents logged in but not ready: the dialer leases nothing yet.
      const agentIds: string[] = [];
      for (const extension of EXTENSIONS.slice(2, 4)) {
        const agent = await stack.bus.request(createAgentRpc, { name: `Agent ${extension}`, extension });
        await stack.bus.request(loginRpc, { agentId: agent.agentId });
        agentIds.push(agent.agentId);
      }
      const allowedPhone = phoneEnding('01');
      const listedPhone = phoneEnding('01');
      const campaign = await createRunningCampaign(
        stack.bus,
        {
          mode: 'progressive',
          agents: agentIds.map((agentId) => ({ agentId })),
          pacing: { ringTimeoutSeconds: 15 },
          callingHours: ALWAYS_OPEN,
        },
        [allowedPhone, listedPhone],
      );
      const listed = (await contactsOf(campaign)).find((c) => c.phone === listedPhone)!;
      // Another dialer replica leases the contact (then dies with it).
      await waitFor(async () => {
        const lease = await stack.bus.request(campaignRpcs.leaseContacts, {
          campaignId: campaign.id,
          dialerId: 'replica-that-dies',
          count: 2,
          leaseSeconds: 2,
        });
        const mine = lease.contacts.filter((c) => c.id !== listed.id).map((c) => c.attemptId);
        if (mine.length > 0)
          await stack.bus.request(campaignRpcs.releaseLease, {
            dialerId: 'replica-that-dies',
            attemptIds: mine,
            reason: 'only the listed contact is kept',
          });
        return (
          (await stack.bus.request(campaignRpcs.getContact, { contactId: listed.id })).status === 'leased'
        );
      });
      await stack.bus.request(complianceRpcs.addDncEntries, {
        list: { kind: 'campaign', campaignId: campaign.id },
        phones: [listedPhone],
        reason: 'asked on another call',
      });
      for (const agentId of agentIds) await stack.bus.request(readyRpc, { agentId });

      // The other contact is called; the listed one comes back when its lease expires and is finished.
      await waitFor(() => endsOf(campaign.id).some((e) => e['phone'] === allowedPhone), {
        timeoutMs: switchMs(30_000),
      });
      await waitFor(
        async () =>
          (await stack.bus.request(campaignRpcs.getContact, { contactId: listed.id })).finalReason ===
          'doNotCall',
        { timeoutMs: switchMs(30_000) },
      );
      expect(await stack.bus.request(campaignRpcs.getContact, { contactId: listed.id })).toMatchObject({
        status: 'done',
        finalReason: 'doNotCall',
        attempts: 0,
      });
      await waitForQuiescence(() => dialsOf(campaign.id).length, { quietMs: 1_000 });
      expect(dialsOf(campaign.id).map((d) => d['phone'])).toEqual([allowedPhone]);
      const audit = await auditOf(listed.id);
      expect(audit.filter((a) => !a.allowed).map((a) => a.reason)).toEqual(['doNotCall']);
      expect(audit.some((a) => a.allowed)).toBe(false);
    },
    switchMs(90_000),
  );
});

describe('retries', () => {
  it(
    'follow their rules exactly: delays, attempts per outcome, invalid numbers never again',
    async () => {
      const agents = await createAgents(stack.bus, EXTENSIONS.slice(4, 6));
      const busy = phoneEnding('03');
      const noAnswer = phoneEnding('04');
      const invalid = phoneEnding('05');
      const answered = phoneEnding('01');
      const campaign = await createRunningCampaign(
        stack.bus,
        {
          mode: 'progressive',
          agents: agents.map((agentId) => ({ agentId })),
          pacing: { ringTimeoutSeconds: 15 },
          callingHours: ALWAYS_OPEN,
          retryRules: {
            busy: { delaySeconds: 2, maxAttempts: 3 },
            noAnswer: { delaySeconds: 1, maxAttempts: 2 },
            maxTotalAttempts: 10,
          },
        },
        [busy, noAnswer, invalid, answered],
      );
      const expected: Record<string, { dials: number; delayMs: number; finalReason: string }> = {
        [busy]: { dials: 3, delayMs: 2_000, finalReason: 'maxAttempts' },
        [noAnswer]: { dials: 2, delayMs: 1_000, finalReason: 'maxAttempts' },
        [invalid]: { dials: 1, delayMs: 0, finalReason: 'invalidNumber' },
        [answered]: { dials: 1, delayMs: 0, finalReason: 'answered' },
      };
      await waitFor(async () => (await contactsOf(campaign)).every((c) => c.status === 'done'), {
        timeoutMs: switchMs(60_000),
        intervalMs: 200,
      });
      await waitForQuiescence(() => endsOf(campaign.id).length, { quietMs: 1_000 });

      const contacts = await contactsOf(campaign);
      for (const [phone, rule] of Object.entries(expected)) {
        const dials = dialsOf(campaign.id).filter((d) => d['phone'] === phone);
        const ends = endsOf(campaign.id).filter((e) => e['phone'] === phone);
        expect([phone, dials.length, ends.length]).toEqual([phone, rule.dials, rule.dials]);
        const contact = contacts.find((c) => c.phone === phone)!;
        expect([phone, contact.attempts, contact.finalReason]).toEqual([phone, rule.dials, rule.finalReason]);
        // Each redial waited at least the rule's delay after the previous call ended.
        ends.sort((a, b) => Date.parse(a['endedAt'] as string) - Date.parse(b['endedAt'] as string));
        dials.sort((a, b) => Date.parse(a['dialedAt'] as string) - Date.parse(b['dialedAt'] as string));
        for (let n = 1; n < dials.length; n++) {
          const gap =
            Date.parse(dials[n]!['dialedAt'] as string) - Date.parse(ends[n - 1]!['endedAt'] as string);
          expect([phone, n, gap >= rule.delayMs]).toEqual([phone, n, true]);
        }
      }

      // The invalid number is never dialed again, not even by another campaign.
      const other = await createRunningCampaign(
        stack.bus,
        { mode: 'progressive', agents: agents.map((agentId) => ({ agentId })), callingHours: ALWAYS_OPEN },
        [invalid, phoneEnding('01')],
      );
      await waitFor(async () => (await contactsOf(other)).every((c) => c.status === 'done'), {
        timeoutMs: switchMs(30_000),
      });
      expect((await contactsOf(other)).find((c) => c.phone === invalid)).toMatchObject({
        finalReason: 'invalidNumber',
        attempts: 0,
      });
      expect(dialsOf(other.id).map((d) => d['phone'])).not.toContain(invalid);
    },
    switchMs(120_000),
  );
});
