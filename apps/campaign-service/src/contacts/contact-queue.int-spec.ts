import { campaignRpcs, type LeasedContact } from '@autotelesale/contracts';
import type { ServiceUnderTest } from '@autotelesale/service-testing';
import { expectEventually, waitFor } from '@autotelesale/testing';
import {
  campaignDb,
  collectEvents,
  createCampaign,
  flushEvents,
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

function csvOf(count: number, offset = 0, extra: (i: number) => string = () => ''): string {
  const rows = Array.from({ length: count }, (_, i) => `${vnMobile(offset + i).national},${extra(i)}`);
  return `phone,note\n${rows.join('\n')}\n`;
}

const lease = (campaignId: string, dialerId: string, count: number, extra: Record<string, unknown> = {}) =>
  service.bus.request(campaignRpcs.leaseContacts, {
    campaignId,
    dialerId,
    count,
    leaseSeconds: 60,
    ...extra,
  });

describe('the contact queue', () => {
  it('leases in queue order: callbacks first, then priority, then due time; only while running', async () => {
    const campaign = await createCampaign(service.bus, {}, false);
    await importContent(service.bus, campaign.id, csvOf(6));
    const all = (await service.bus.request(campaignRpcs.listContacts, { campaignId: campaign.id, limit: 10 }))
      .items;
    const byPhone = (i: number) => all.find((c) => c.phone === vnMobile(i).e164)!;
    await service.bus.request(campaignRpcs.setPriority, {
      campaignId: campaign.id,
      contactIds: [byPhone(4).id, byPhone(5).id],
      priority: 10,
    });
    await service.bus.request(campaignRpcs.scheduleCallback, {
      campaignId: campaign.id,
      contactId: byPhone(3).id,
    });

    expect(await lease(campaign.id, 'd1', 10)).toEqual({ campaignStatus: 'draft', contacts: [] });
    await service.bus.request(campaignRpcs.transitionCampaign, { campaignId: campaign.id, action: 'start' });
    const leased = await lease(campaign.id, 'd1', 10);
    const order = leased.contacts.map((c) => all.findIndex((a) => a.id === c.id));
    expect(leased.contacts[0]).toMatchObject({
      id: byPhone(3).id,
      callback: expect.objectContaining({ ownerAgentId: null }),
    });
    expect(leased.contacts.slice(1, 3).map((c) => c.priority)).toEqual([10, 10]);
    expect(order).toHaveLength(6);
    expect(leased.contacts.every((c) => c.status === 'leased' && c.attemptNumber === 1)).toBe(true);

    await service.bus.request(campaignRpcs.transitionCampaign, { campaignId: campaign.id, action: 'pause' });
    expect((await lease(campaign.id, 'd1', 1)).campaignStatus).toBe('paused');
  });

  it('works callbacks first in, first out whatever the contacts’ priorities, then the rest by priority', async () => {
    const campaign = await createCampaign(service.bus, {}, false);
    await importContent(service.bus, campaign.id, csvOf(5, 500));
    const all = (await service.bus.request(campaignRpcs.listContacts, { campaignId: campaign.id, limit: 10 }))
      .items;
    const byPhone = (i: number) => all.find((c) => c.phone === vnMobile(500 + i).e164)!;
    await service.bus.request(campaignRpcs.setPriority, {
      campaignId: campaign.id,
      contactIds: [byPhone(1).id, byPhone(4).id],
      priority: 90,
    });
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    // Asked for in this order: a low-priority contact first, a high-priority one last.
    for (const [i, m] of [
      [0, 30],
      [2, 20],
      [1, 10],
    ] as const)
      await service.bus.request(campaignRpcs.scheduleCallback, {
        campaignId: campaign.id,
        contactId: byPhone(i).id,
        dueAt: minutesAgo(m),
      });
    await service.bus.request(campaignRpcs.transitionCampaign, { campaignId: campaign.id, action: 'start' });

    const leased = await lease(campaign.id, 'd1', 10);
    expect(leased.contacts.map((c) => c.id)).toEqual([
      byPhone(0).id, // callbacks, by when they fell due
      byPhone(2).id,
      byPhone(1).id, // priority 90, but its callback came last
      byPhone(4).id, // then the rest: priority 90 first
      byPhone(3).id,
    ]);
  });

  it('never leases a contact to two of 8 concurrent lessees, and hands out every contact', async () => {
    const campaign = await createCampaign(service.bus);
    await importContent(service.bus, campaign.id, csvOf(2_000, 10_000));
    const seen = new Map<string, string>();
    const duplicates: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, d) => {
        for (;;) {
          const reply = await lease(campaign.id, `dialer-${d}`, 1 + (d % 4) * 7);
          if (reply.contacts.length === 0) return;
          for (const contact of reply.contacts) {
            if (seen.has(contact.id)) duplicates.push(contact.id);
            seen.set(contact.id, `dialer-${d}`);
          }
        }
      }),
    );
    expect(duplicates).toEqual([]);
    expect(seen.size).toBe(2_000);
    const attempts = await campaignDb(service).query<{ n: string }>(
      'SELECT count(*) AS n FROM contact_attempt WHERE campaign_id = $1',
      [campaign.id],
    );
    expect(Number(attempts.rows[0]!.n)).toBe(2_000);
  });

  it('keeps leases of one contact apart in time while 8 lessees lease, record and retry', async () => {
    const campaign = await createCampaign(service.bus, {
      retryRules: { busy: { delaySeconds: 0, maxAttempts: 5 }, maxTotalAttempts: 5 },
    });
    await importContent(service.bus, campaign.id, csvOf(40, 20_000));
    let recorded = 0;
    await Promise.all(
      Array.from({ length: 8 }, async (_, d) => {
        for (;;) {
          const reply = await lease(campaign.id, `dialer-${d}`, 3);
          if (reply.contacts.length === 0) return;
          for (const contact of reply.contacts) {
            await service.bus.request(campaignRpcs.recordOutcome, {
              attemptId: contact.attemptId,
              dialerId: `dialer-${d}`,
              outcome: 'busy',
            });
            recorded++;
          }
        }
      }),
    );
    expect(recorded).toBe(200); // 40 contacts x 5 attempts each, then final
    const overlaps = await campaignDb(service).query(
      `SELECT a.attempt_id FROM contact_attempt a JOIN contact_attempt b
          ON a.contact_id = b.contact_id AND a.attempt_id <> b.attempt_id
         AND b.leased_at >= a.leased_at AND b.leased_at < a.recorded_at
       WHERE a.campaign_id = $1`,
      [campaign.id],
    );
    expect(overlaps.rows).toEqual([]);
    const stats = await service.bus.request(campaignRpcs.campaignStats, { campaignId: campaign.id });
    expect(stats).toMatchObject({
      contacts: { total: 40, done: 40, leased: 0 },
      attempts: 200,
      finalReasons: { maxAttempts: 40 },
    });
  });

  it('records an outcome sent 8 times at once exactly once, and returns the first result to every copy', async () => {
    const campaign = await createCampaign(service.bus, {
      retryRules: { busy: { delaySeconds: 600, maxAttempts: 3 } },
    });
    await importContent(service.bus, campaign.id, csvOf(1, 30_000));
    const events = collectEvents(service, campaign.id);
    const [contact] = (await lease(campaign.id, 'd1', 1)).contacts as [LeasedContact];
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        service.bus.request(campaignRpcs.recordOutcome, {
          attemptId: contact.attemptId,
          dialerId: 'd1',
          outcome: 'busy',
          callId: 'call-1',
        }),
      ),
    );
    for (const result of results) expect(result).toEqual(results[0]);
    expect(results[0]).toMatchObject({
      contactStatus: 'pending',
      applied: true,
      late: false,
      attemptNumber: 1,
    });
    const after = await service.bus.request(campaignRpcs.getContact, { contactId: contact.id });
    expect(after).toMatchObject({
      attempts: 1,
      outcomeCounts: { busy: 1 },
      status: 'pending',
      lastOutcome: 'busy',
    });
    expect(new Date(after.dueAt!).getTime() - new Date(results[0]!.recordedAt).getTime()).toBe(600_000);
    await expect(
      service.bus.request(campaignRpcs.recordOutcome, {
        attemptId: contact.attemptId,
        dialerId: 'd1',
        outcome: 'answered',
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { reason: 'OUTCOME_MISMATCH' } });
    await flushEvents(service);
    await expectEventually(() =>
      expect(events.events.filter((e) => e.type === 'contact.outcomeRecorded')).toHaveLength(1),
    );
    events.stop();
  });

  it('applies the retry rules: busy again after its delay until its maximum, then final', async () => {
    const campaign = await createCampaign(service.bus, {
      retryRules: {
        busy: { delaySeconds: 0, maxAttempts: 2 },
        noAnswer: { delaySeconds: 3600, maxAttempts: 3 },
      },
    });
    await importContent(service.bus, campaign.id, csvOf(2, 40_000));
    const outcome = (attemptId: string, o: 'busy' | 'noAnswer' | 'answered' | 'invalidNumber') =>
      service.bus.request(campaignRpcs.recordOutcome, { attemptId, dialerId: 'd1', outcome: o });
    const [a, b] = (await lease(campaign.id, 'd1', 2)).contacts as [LeasedContact, LeasedContact];
    expect(await outcome(a.attemptId, 'busy')).toMatchObject({ contactStatus: 'pending', finalReason: null });
    expect(await outcome(b.attemptId, 'noAnswer')).toMatchObject({ contactStatus: 'pending' });
    const again = (await lease(campaign.id, 'd1', 5)).contacts;
    expect(again.map((c) => [c.id, c.attemptNumber])).toEqual([[a.id, 2]]); // b waits an hour
    expect(await outcome(again[0]!.attemptId, 'busy')).toMatchObject({
      contactStatus: 'done',
      finalReason: 'maxAttempts',
      nextDueAt: null,
    });
    expect((await lease(campaign.id, 'd1', 5)).contacts).toEqual([]);
  });

  it('returns the contact of a lessee that died exactly once when its lease expires; its late outcome is kept but not applied', async () => {
    const campaign = await createCampaign(service.bus);
    await importContent(service.bus, campaign.id, csvOf(1, 50_000));
    const events = collectEvents(service, campaign.id);
    const [dead] = (await lease(campaign.id, 'dead-dialer', 1, { leaseSeconds: 1 })).contacts as [
      LeasedContact,
    ];
    const takers: LeasedContact[] = [];
    const deadline = Date.now() + 4_000;
    await Promise.all(
      Array.from({ length: 8 }, async (_, d) => {
        while (Date.now() < deadline) {
          takers.push(...(await lease(campaign.id, `survivor-${d}`, 5)).contacts);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }),
    );
    expect(takers.map((c) => c.id)).toEqual([dead.id]);
    expect(takers[0]!.attemptId).not.toBe(dead.attemptId);
    const late = await service.bus.request(campaignRpcs.recordOutcome, {
      attemptId: dead.attemptId,
      dialerId: 'dead-dialer',
      outcome: 'noAnswer',
    });
    expect(late).toMatchObject({ applied: false, late: true, contactStatus: 'leased' });
    expect(
      await service.bus.request(campaignRpcs.recordOutcome, {
        attemptId: takers[0]!.attemptId,
        dialerId: 'survivor',
        outcome: 'answered',
      }),
    ).toMatchObject({ applied: true, late: false, contactStatus: 'done', finalReason: 'answered' });
    await flushEvents(service);
    await expectEventually(() =>
      expect(events.events.filter((e) => e.type === 'contact.leaseExpired')).toHaveLength(1),
    );
    events.stop();
  });

  it('reclaims an expired lease with the sweeper when nobody leases, and applies a late outcome then', async () => {
    const campaign = await createCampaign(service.bus);
    await importContent(service.bus, campaign.id, csvOf(1, 60_000));
    const [contact] = (await lease(campaign.id, 'd1', 1, { leaseSeconds: 1 })).contacts as [LeasedContact];
    await waitFor(
      async () =>
        (await service.bus.request(campaignRpcs.getContact, { contactId: contact.id })).status ===
          'pending' || undefined,
      { timeoutMs: 5_000, description: 'the sweeper returns the contact' },
    );
    const late = await service.bus.request(campaignRpcs.recordOutcome, {
      attemptId: contact.attemptId,
      dialerId: 'd1',
      outcome: 'invalidNumber',
    });
    expect(late).toMatchObject({
      applied: true,
      late: true,
      contactStatus: 'done',
      finalReason: 'invalidNumber',
    });
  });

  it('renews and releases leases by attempt id', async () => {
    const campaign = await createCampaign(service.bus);
    await importContent(service.bus, campaign.id, csvOf(3, 70_000));
    const leased = (await lease(campaign.id, 'd1', 3, { leaseSeconds: 5 })).contacts;
    const renewed = await service.bus.request(campaignRpcs.renewLease, {
      dialerId: 'd1',
      attemptIds: [leased[0]!.attemptId, '00000000-0000-4000-8000-000000000000'],
      leaseSeconds: 600,
    });
    expect(renewed.lost).toEqual(['00000000-0000-4000-8000-000000000000']);
    expect(new Date(renewed.renewed[0]!.leaseExpiresAt).getTime()).toBeGreaterThan(Date.now() + 500_000);
    const released = await service.bus.request(campaignRpcs.releaseLease, {
      dialerId: 'd1',
      attemptIds: [leased[1]!.attemptId, leased[2]!.attemptId],
      reason: 'outside calling hours',
      dueAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(released.released.sort()).toEqual([leased[1]!.attemptId, leased[2]!.attemptId].sort());
    expect(await service.bus.request(campaignRpcs.getContact, { contactId: leased[1]!.id })).toMatchObject({
      status: 'pending',
      attempts: 0,
    });
    expect((await lease(campaign.id, 'd1', 3)).contacts).toEqual([]); // released ones are due in an hour
    expect(
      (
        await service.bus.request(campaignRpcs.releaseLease, {
          dialerId: 'd1',
          attemptIds: [leased[1]!.attemptId],
          reason: 'again',
        })
      ).notHeld,
    ).toEqual([leased[1]!.attemptId]);
  });
});
