import { campaignRpcs, type Campaign } from '@autotelesale/contracts';
import type { ServiceUnderTest } from '@autotelesale/service-testing';
import { expectEventually } from '@autotelesale/testing';
import { campaignDb, collectEvents, flushEvents, startCampaignService } from '../../test/campaign-test-kit';

let service: ServiceUnderTest;

beforeAll(async () => {
  service = await startCampaignService();
});

afterAll(async () => {
  await service?.stop();
});

describe('campaigns over NATS', () => {
  it('creates a campaign with every setting defaulted but name and mode', async () => {
    const campaign = await service.bus.request(campaignRpcs.createCampaign, {
      name: 'Q4 renewals',
      mode: 'predictive',
    });
    expect(campaign).toMatchObject({
      name: 'Q4 renewals',
      mode: 'predictive',
      status: 'draft',
      version: 1,
      defaultRegion: 'VN',
      pacing: { ratio: null, abandonRateCap: 0.03, maxLinesPerAgent: 3 },
      wrapUpSeconds: 15,
    });
    expect(await service.bus.request(campaignRpcs.getCampaign, { campaignId: campaign.id })).toEqual(
      campaign,
    );
  });

  it('keeps every setting the issue lists', async () => {
    const campaign = await service.bus.request(campaignRpcs.createCampaign, {
      name: 'Full',
      mode: 'preview',
      pacing: { ratio: 1.25, previewSeconds: 20, maxLinesPerAgent: 2 },
      callingHours: {
        timeZone: 'Asia/Ho_Chi_Minh',
        timeZonePolicy: 'contact',
        windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:30', end: '11:30' }],
      },
      retryRules: { busy: { delaySeconds: 300, maxAttempts: 4 }, noAnswer: { delaySeconds: 1800 } },
      callerId: { number: '+842838251234', name: 'ABC Center' },
      introMessage: { audio: 'intro.wav', text: 'Hello, this is ABC center calling' },
      identificationMessage: { text: 'This was ABC center, we will call you back' },
      wrapUpSeconds: 30,
      agents: [{ agentId: 'agent-1', extension: '1001' }, { agentId: 'agent-2' }],
      agentGroupId: 'group-sales',
      dispositionSet: {
        codes: [
          { code: 'SALE', label: 'Sale', sale: true },
          { code: 'CB', label: 'Call back', final: false, callback: true },
        ],
        fields: [{ name: 'product', type: 'enum', required: true, options: ['gold', 'silver'] }],
      },
    });
    expect(campaign.retryRules.busy).toEqual({ delaySeconds: 300, maxAttempts: 4 });
    expect(campaign.retryRules.noAnswer).toEqual({ delaySeconds: 1800, maxAttempts: 3 });
    expect(campaign.pacing).toMatchObject({
      ratio: 1.25,
      previewSeconds: 20,
      maxLinesPerAgent: 2,
      abandonRateCap: 0.03,
    });
    expect(campaign.dispositionSet.codes[0]).toEqual({
      code: 'SALE',
      label: 'Sale',
      final: true,
      sale: true,
      callback: false,
    });
    expect(campaign.agents).toEqual([{ agentId: 'agent-1', extension: '1001' }, { agentId: 'agent-2' }]);
  });

  it('refuses invalid settings with the path of each problem', async () => {
    await expect(
      service.bus.request(campaignRpcs.createCampaign, {
        name: 'Bad',
        mode: 'predictive',
        pacing: { abandonRateCap: 0.5 },
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('updates with optimistic concurrency: a stale version is a CONFLICT naming the current one', async () => {
    const created = await service.bus.request(campaignRpcs.createCampaign, {
      name: 'OCC',
      mode: 'progressive',
    });
    const updated = await service.bus.request(campaignRpcs.updateCampaign, {
      campaignId: created.id,
      expectedVersion: 1,
      changes: { pacing: { ratio: 1.5 }, wrapUpSeconds: 20 },
    });
    expect(updated).toMatchObject({
      version: 2,
      wrapUpSeconds: 20,
      pacing: { ratio: 1.5, abandonRateCap: 0.03 },
    });
    await expect(
      service.bus.request(campaignRpcs.updateCampaign, {
        campaignId: created.id,
        expectedVersion: 1,
        changes: { name: 'x' },
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { reason: 'VERSION_MISMATCH', currentVersion: 2 } });
  });

  it('lets exactly one of concurrent updates at one version win', async () => {
    const created = await service.bus.request(campaignRpcs.createCampaign, {
      name: 'Race',
      mode: 'progressive',
    });
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        service.bus.request(campaignRpcs.updateCampaign, {
          campaignId: created.id,
          expectedVersion: 1,
          changes: { wrapUpSeconds: 10 + i },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code),
    ).toEqual(Array(7).fill('CONFLICT'));
  });

  it('walks the lifecycle, refuses what it forbids, and publishes every change with an increasing version', async () => {
    const created = await service.bus.request(campaignRpcs.createCampaign, {
      name: 'Life',
      mode: 'predictive',
    });
    const collector = collectEvents(service, created.id);
    const step = (action: 'start' | 'pause' | 'resume' | 'complete' | 'archive') =>
      service.bus.request(campaignRpcs.transitionCampaign, { campaignId: created.id, action });
    expect((await step('start')).status).toBe('running');
    expect((await step('pause')).status).toBe('paused');
    await expect(step('start')).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'ILLEGAL_TRANSITION', status: 'paused', action: 'start' },
    });
    expect((await step('resume')).status).toBe('running');
    await service.bus.request(campaignRpcs.updateCampaign, {
      campaignId: created.id,
      expectedVersion: 4,
      changes: { wrapUpSeconds: 5 },
    });
    expect((await step('complete')).status).toBe('completed');
    await expect(
      service.bus.request(campaignRpcs.updateCampaign, {
        campaignId: created.id,
        expectedVersion: 6,
        changes: { wrapUpSeconds: 6 },
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { reason: 'CAMPAIGN_CLOSED' } });
    const archived: Campaign = await step('archive');
    expect(archived).toMatchObject({ status: 'archived', version: 7 });
    await flushEvents(service);
    await expectEventually(() => expect(collector.events).toHaveLength(7));
    collector.stop();
    expect(collector.events.map((e) => [e.type, e.aggregateVersion])).toEqual([
      ['campaign.created', 1],
      ['campaign.statusChanged', 2],
      ['campaign.statusChanged', 3],
      ['campaign.statusChanged', 4],
      ['campaign.updated', 5],
      ['campaign.statusChanged', 6],
      ['campaign.statusChanged', 7],
    ]);
    expect(collector.events[1]!.payload).toMatchObject({ from: 'draft', to: 'running', action: 'start' });
    expect(collector.events[4]!.payload).toMatchObject({ changedFields: ['wrapUpSeconds'] });
  });

  it('stores the events in the campaigns stream too (durable, de-duplicated by id)', async () => {
    const created = await service.bus.request(campaignRpcs.createCampaign, {
      name: 'Stream',
      mode: 'manual',
    });
    await flushEvents(service);
    const stream = service.topology.streams.campaigns.name;
    const message = await service.bus.jsm.streams.getMessage(stream, {
      last_by_subj: service.topology.events.campaign(created.id),
    });
    expect(message!.json<{ type: string; aggregateVersion: number }>()).toMatchObject({
      type: 'campaign.created',
      aggregateVersion: 1,
    });
  });

  it('returns the same campaign for the same idempotency key, and pages the list', async () => {
    const a = await service.bus.request(campaignRpcs.createCampaign, {
      name: 'Idem',
      mode: 'manual',
      idempotencyKey: 'k-1',
    });
    const b = await service.bus.request(campaignRpcs.createCampaign, {
      name: 'Idem',
      mode: 'manual',
      idempotencyKey: 'k-1',
    });
    expect(b.id).toBe(a.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await service.bus.request(campaignRpcs.listCampaigns, {
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain(a.id);
  });

  it('escapes a formula in a campaign name on the way out, and stores it as given', async () => {
    const campaign = await service.bus.request(campaignRpcs.createCampaign, {
      name: '=HYPERLINK("x")',
      mode: 'manual',
    });
    expect(campaign.name).toBe(`'=HYPERLINK("x")`);
    const stored = await campaignDb(service).query<{ name: string }>(
      'SELECT name FROM campaign WHERE id = $1',
      [campaign.id],
    );
    expect(stored.rows[0]!.name).toBe('=HYPERLINK("x")');
  });

  it('answers NOT_FOUND for an unknown campaign', async () => {
    await expect(
      service.bus.request(campaignRpcs.getCampaign, { campaignId: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
