import { campaignRpcs, type FilterCondition, type SegmentFilter } from '@autotelesale/contracts';
import { matchesSegmentFilter } from '@autotelesale/campaign-domain';
import type { ServiceUnderTest } from '@autotelesale/service-testing';
import { createCampaign, importContent, startCampaignService } from '../../test/campaign-test-kit';
import { vnMobile } from '../../test/generated-list';

let service: ServiceUnderTest;

beforeAll(async () => {
  service = await startCampaignService();
});

afterAll(async () => {
  await service?.stop();
});

const cities = ['Hà Nội', 'Huế', 'Đà Nẵng', 'HÀ NỘI', ''];
const tiers = ['gold', 'silver', '', 'Gold'];

async function seededCampaign() {
  const campaign = await createCampaign(service.bus);
  const rows = Array.from({ length: 120 }, (_, i) => {
    const score = i % 7 === 0 ? 'n/a' : i % 5 === 0 ? '' : String((i * 37) % 100);
    return `${vnMobile(500 + i).national},${cities[i % cities.length]},${tiers[i % tiers.length]},${score}`;
  });
  await importContent(service.bus, campaign.id, `phone,city,tier,score\n${rows.join('\n')}\n`);
  const contacts = [];
  let cursor: string | undefined;
  do {
    const page = await service.bus.request(campaignRpcs.listContacts, {
      campaignId: campaign.id,
      limit: 50,
      ...(cursor ? { cursor } : {}),
    });
    contacts.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  expect(contacts).toHaveLength(120);
  return { campaign, contacts };
}

describe('segments, priorities and splitting', () => {
  it('selects in SQL exactly what campaign-domain’s filter selects, for every operator', async () => {
    const { campaign, contacts } = await seededCampaign();
    const conditions: FilterCondition[] = [
      { field: 'city', op: 'eq', value: 'Huế' },
      { field: 'city', op: 'neq', value: 'Huế' },
      { field: 'city', op: 'in', value: ['Huế', 'Đà Nẵng'] },
      { field: 'city', op: 'notIn', value: ['Huế'] },
      { field: 'city', op: 'contains', value: 'nội' },
      { field: 'city', op: 'startsWith', value: 'hà' },
      { field: 'tier', op: 'exists' },
      { field: 'tier', op: 'notExists' },
      { field: 'score', op: 'gt', value: 50 },
      { field: 'score', op: 'gte', value: 37 },
      { field: 'score', op: 'lt', value: 10 },
      { field: 'score', op: 'lte', value: 0 },
      { field: 'missing', op: 'neq', value: 'x' },
    ];
    const filters: SegmentFilter[] = [
      ...conditions.map((c) => ({ match: 'all' as const, conditions: [c] })),
      { match: 'all', conditions: [conditions[4]!, conditions[8]!] },
      { match: 'any', conditions: [conditions[0]!, conditions[7]!] },
    ];
    for (const filter of filters) {
      const expected = contacts
        .filter((c) => matchesSegmentFilter(c.fields, filter))
        .map((c) => c.id)
        .sort();
      const page = await service.bus.request(campaignRpcs.listContacts, {
        campaignId: campaign.id,
        filter,
        limit: 500,
      });
      expect({ filter, ids: page.items.map((c) => c.id).sort() }).toEqual({ filter, ids: expected });
    }
  });

  it('names segments, counts them, prioritises one and leases from one', async () => {
    const { campaign, contacts } = await seededCampaign();
    const filter: SegmentFilter = { match: 'all', conditions: [{ field: 'tier', op: 'eq', value: 'gold' }] };
    const segment = await service.bus.request(campaignRpcs.createSegment, {
      campaignId: campaign.id,
      name: 'gold',
      filter,
    });
    const expected = contacts.filter((c) => matchesSegmentFilter(c.fields, filter));
    expect(await service.bus.request(campaignRpcs.getSegment, { segmentId: segment.id })).toMatchObject({
      contactCount: expected.length,
    });
    await expect(
      service.bus.request(campaignRpcs.createSegment, { campaignId: campaign.id, name: 'gold', filter }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(
      await service.bus.request(campaignRpcs.setPriority, {
        campaignId: campaign.id,
        segmentId: segment.id,
        priority: 50,
      }),
    ).toEqual({
      updated: expected.length,
    });
    const leased = await service.bus.request(campaignRpcs.leaseContacts, {
      campaignId: campaign.id,
      dialerId: 'd',
      count: expected.length,
    });
    expect(leased.contacts.map((c) => c.id).sort()).toEqual(expected.map((c) => c.id).sort());
    const fromSegment = await service.bus.request(campaignRpcs.leaseContacts, {
      campaignId: campaign.id,
      dialerId: 'd',
      count: 10,
      segmentId: segment.id,
    });
    expect(fromSegment.contacts).toEqual([]); // all of the segment are leased already
    expect(
      (await service.bus.request(campaignRpcs.listSegments, { campaignId: campaign.id })).items,
    ).toHaveLength(1);
    expect(await service.bus.request(campaignRpcs.deleteSegment, { segmentId: segment.id })).toEqual({
      deleted: true,
    });
  });

  it('splits a list among agents by weight, and leases each agent only its own and unowned contacts', async () => {
    const { campaign } = await seededCampaign();
    const split = await service.bus.request(campaignRpcs.assignContacts, {
      campaignId: campaign.id,
      agents: [
        { agentId: 'senior', weight: 2 },
        { agentId: 'junior-a', weight: 1 },
        { agentId: 'junior-b', weight: 1 },
      ],
    });
    expect(split).toEqual({
      assigned: 120,
      perAgent: [
        { agentId: 'senior', count: 60 },
        { agentId: 'junior-a', count: 30 },
        { agentId: 'junior-b', count: 30 },
      ],
    });
    const again = await service.bus.request(campaignRpcs.assignContacts, {
      campaignId: campaign.id,
      agents: [{ agentId: 'x' }],
    });
    expect(again.assigned).toBe(0); // only unassigned contacts by default
    const owned = await service.bus.request(campaignRpcs.listContacts, {
      campaignId: campaign.id,
      ownerAgentId: 'junior-a',
      limit: 500,
    });
    expect(owned.items).toHaveLength(30);
    expect(
      (
        await service.bus.request(campaignRpcs.leaseContacts, {
          campaignId: campaign.id,
          dialerId: 'd',
          count: 10,
        })
      ).contacts,
    ).toEqual([]);
    const forJunior = await service.bus.request(campaignRpcs.leaseContacts, {
      campaignId: campaign.id,
      dialerId: 'd',
      count: 200,
      agentIds: ['junior-a'],
    });
    expect(forJunior.contacts).toHaveLength(30);
    expect(new Set(forJunior.contacts.map((c) => c.ownerAgentId))).toEqual(new Set(['junior-a']));
  });
});
