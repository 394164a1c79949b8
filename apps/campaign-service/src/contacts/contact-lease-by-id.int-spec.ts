import { campaignRpcs, complianceRpcs, type Contact } from '@autotelesale/contracts';
import type { ServiceUnderTest } from '@autotelesale/service-testing';
import {
  campaignDb,
  createCampaign,
  importContent,
  startCampaignService,
} from '../../test/campaign-test-kit';
import { vnMobile } from '../../test/generated-list';

let service: ServiceUnderTest;

beforeAll(async () => {
  service = await startCampaignService();
});

afterAll(async () => {
  await service?.stop();
});

async function campaignOf(count: number, offset: number, settings = {}) {
  const campaign = await createCampaign(service.bus, settings);
  const rows = Array.from({ length: count }, (_, i) => vnMobile(offset + i).national);
  await importContent(service.bus, campaign.id, `phone\n${rows.join('\n')}\n`);
  const contacts = (
    await service.bus.request(campaignRpcs.listContacts, { campaignId: campaign.id, limit: 50 })
  ).items;
  const byIndex = (i: number): Contact => contacts.find((c) => c.phone === vnMobile(offset + i).e164)!;
  return { campaign, byIndex };
}

const leaseById = (campaignId: string, dialerId: string, contactIds: string[], agentIds?: string[]) =>
  service.bus.request(campaignRpcs.leaseContacts, {
    campaignId,
    dialerId,
    count: contactIds.length,
    leaseSeconds: 60,
    contactIds,
    ...(agentIds ? { agentIds } : {}),
  });

describe('leasing a chosen contact (click-to-call)', () => {
  it('leases exactly the contact asked for, even when others are ahead of it in the queue', async () => {
    const { campaign, byIndex } = await campaignOf(5, 60_000);
    const reply = await leaseById(campaign.id, 'd1', [byIndex(4).id]);
    expect(reply.contacts.map((c) => c.id)).toEqual([byIndex(4).id]);
    expect(reply.contacts[0]).toMatchObject({
      status: 'leased',
      attemptNumber: 1,
      phone: vnMobile(60_004).e164,
    });
    expect(reply.refused).toEqual([]);
  });

  it('gives a chosen contact to one of two agents clicking it at once; the other is told it is leased', async () => {
    const { campaign, byIndex } = await campaignOf(3, 60_100);
    for (let round = 0; round < 3; round++) {
      const id = byIndex(round).id;
      const replies = await Promise.all([
        leaseById(campaign.id, 'dialer-a', [id], ['agent-a']),
        leaseById(campaign.id, 'dialer-b', [id], ['agent-b']),
      ]);
      const winners = replies.filter((r) => r.contacts.length === 1);
      expect(winners).toHaveLength(1);
      const loser = replies.find((r) => r.contacts.length === 0)!;
      expect(loser.refused).toEqual([{ contactId: id, reason: 'CONTACT_LEASED' }]);
    }
    const attempts = await campaignDb(service).query<{ n: number }>(
      'SELECT count(*)::int AS n FROM contact_attempt WHERE campaign_id = $1',
      [campaign.id],
    );
    expect(attempts.rows[0]!.n).toBe(3);
  });

  it('refuses a contact on a DNC list (and finishes it), one already done, one of another campaign, and one owned by another agent', async () => {
    const { campaign, byIndex } = await campaignOf(4, 60_200);
    const other = await campaignOf(1, 60_300);
    await service.bus.request(complianceRpcs.addDncEntries, {
      list: { kind: 'campaign', campaignId: campaign.id },
      phones: [vnMobile(60_200).e164],
      reason: 'asked not to be called',
    });
    await service.bus.request(campaignRpcs.assignContacts, {
      campaignId: campaign.id,
      contactIds: [byIndex(2).id],
      agents: [{ agentId: 'agent-owner' }],
    });
    const dnc = await leaseById(campaign.id, 'd1', [byIndex(0).id], ['agent-x']);
    expect(dnc).toMatchObject({
      contacts: [],
      refused: [{ contactId: byIndex(0).id, reason: 'CONTACT_NOT_COMPLIANT' }],
    });
    expect(await service.bus.request(campaignRpcs.getContact, { contactId: byIndex(0).id })).toMatchObject({
      status: 'done',
      finalReason: 'doNotCall',
      attempts: 0,
    });
    // Asked again: it is final now.
    expect((await leaseById(campaign.id, 'd1', [byIndex(0).id], ['agent-x'])).refused).toEqual([
      { contactId: byIndex(0).id, reason: 'CONTACT_DONE' },
    ]);
    expect((await leaseById(campaign.id, 'd1', [other.byIndex(0).id], ['agent-x'])).refused).toEqual([
      { contactId: other.byIndex(0).id, reason: 'CONTACT_NOT_FOUND' },
    ]);
    expect((await leaseById(campaign.id, 'd1', [byIndex(2).id], ['agent-x'])).refused).toEqual([
      { contactId: byIndex(2).id, reason: 'CONTACT_NOT_YOURS' },
    ]);
    expect((await leaseById(campaign.id, 'd1', [byIndex(2).id], ['agent-owner'])).contacts).toHaveLength(1);

    await service.bus.request(campaignRpcs.transitionCampaign, { campaignId: campaign.id, action: 'pause' });
    expect(await leaseById(campaign.id, 'd1', [byIndex(3).id], ['agent-x'])).toMatchObject({
      campaignStatus: 'paused',
      contacts: [],
      refused: [{ contactId: byIndex(3).id, reason: 'CAMPAIGN_NOT_RUNNING' }],
    });
  });
});

describe('a skipped preview', () => {
  it('comes back behind the contacts due, in the history and counts, without spending an attempt', async () => {
    const { campaign, byIndex } = await campaignOf(2, 60_400);
    const [leased] = (await leaseById(campaign.id, 'd1', [byIndex(0).id])).contacts;
    const result = await service.bus.request(campaignRpcs.recordOutcome, {
      attemptId: leased!.attemptId,
      dialerId: 'd1',
      outcome: 'skipped',
    });
    expect(result).toMatchObject({
      outcome: 'skipped',
      applied: true,
      contactStatus: 'pending',
      finalReason: null,
    });
    expect(await service.bus.request(campaignRpcs.getContact, { contactId: byIndex(0).id })).toMatchObject({
      status: 'pending',
      attempts: 0,
      lastOutcome: 'skipped',
      lastAttemptAt: null,
      outcomeCounts: { skipped: 1 },
    });
    // Recorded once: the same report again changes nothing.
    expect(
      await service.bus.request(campaignRpcs.recordOutcome, {
        attemptId: leased!.attemptId,
        dialerId: 'd1',
        outcome: 'skipped',
      }),
    ).toEqual(result);
    // Behind the contact already due, then offered again as the same first attempt.
    const next = await service.bus.request(campaignRpcs.leaseContacts, {
      campaignId: campaign.id,
      dialerId: 'd1',
      count: 2,
      leaseSeconds: 60,
    });
    expect(next.contacts.map((c) => [c.id, c.attemptNumber])).toEqual([
      [byIndex(1).id, 1],
      [byIndex(0).id, 1],
    ]);
  });

  it('waits for the campaign skip delay', async () => {
    const { campaign, byIndex } = await campaignOf(1, 60_500, { retryRules: { skippedDelaySeconds: 3600 } });
    const [leased] = (await leaseById(campaign.id, 'd1', [byIndex(0).id])).contacts;
    const result = await service.bus.request(campaignRpcs.recordOutcome, {
      attemptId: leased!.attemptId,
      dialerId: 'd1',
      outcome: 'skipped',
    });
    const due = new Date(result.nextDueAt!).getTime() - new Date(result.recordedAt).getTime();
    expect(due).toBe(3_600_000);
    const stats = await service.bus.request(campaignRpcs.campaignStats, { campaignId: campaign.id });
    expect(stats).toMatchObject({ attempts: 0, contacts: { scheduled: 1 }, outcomes: { skipped: 1 } });
  });
});
