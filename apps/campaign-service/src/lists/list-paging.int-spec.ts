import { AtsError, campaignRpcs } from '@autotelesale/contracts';
import type { ServiceUnderTest } from '@autotelesale/service-testing';
import { createCampaign, startCampaignService } from '../../test/campaign-test-kit';

let service: ServiceUnderTest;

beforeAll(async () => {
  service = await startCampaignService();
});

afterAll(async () => {
  await service?.stop();
});

/** Every page of a paged RPC, following nextCursor to its end. */
async function allPages<T>(read: (cursor?: string) => Promise<{ items: T[]; nextCursor: string | null }>) {
  const pages: T[][] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    pages.push(page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return pages;
}

describe('paging a campaign’s lists and segments', () => {
  it('returns every list once, oldest first, a page at a time', async () => {
    const campaign = await createCampaign(service.bus);
    const created = [];
    for (let i = 0; i < 7; i += 1) {
      created.push(
        await service.bus.request(campaignRpcs.createList, { campaignId: campaign.id, name: `day ${i}` }),
      );
    }
    const pages = await allPages((cursor) =>
      service.bus.request(campaignRpcs.listLists, {
        campaignId: campaign.id,
        limit: 3,
        ...(cursor && { cursor }),
      }),
    );
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    const listed = pages.flat();
    expect(listed.map((list) => list.id).sort()).toEqual(created.map((list) => list.id).sort());
    const times = listed.map((list) => list.createdAt);
    expect(times).toEqual([...times].sort());
    // Another campaign's lists never leak in.
    const other = await createCampaign(service.bus);
    await service.bus.request(campaignRpcs.createList, { campaignId: other.id, name: 'elsewhere' });
    const again = await service.bus.request(campaignRpcs.listLists, { campaignId: campaign.id, limit: 50 });
    expect(again).toEqual({ items: expect.any(Array), nextCursor: null });
    expect(again.items).toHaveLength(7);
  });

  it('returns every segment once, a page at a time', async () => {
    const campaign = await createCampaign(service.bus);
    const created = [];
    for (let i = 0; i < 5; i += 1) {
      created.push(
        await service.bus.request(campaignRpcs.createSegment, {
          campaignId: campaign.id,
          name: `tier ${i}`,
          filter: { match: 'all', conditions: [{ field: 'tier', op: 'eq', value: String(i) }] },
        }),
      );
    }
    const pages = await allPages((cursor) =>
      service.bus.request(campaignRpcs.listSegments, {
        campaignId: campaign.id,
        limit: 2,
        ...(cursor && { cursor }),
      }),
    );
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(
      pages
        .flat()
        .map((segment) => segment.id)
        .sort(),
    ).toEqual(created.map((segment) => segment.id).sort());
  });

  it('refuses a cursor it did not issue with a typed error', async () => {
    const campaign = await createCampaign(service.bus);
    const refused = await service.bus
      .request(campaignRpcs.listLists, { campaignId: campaign.id, cursor: 'not-a-cursor' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AtsError);
    expect(refused).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
