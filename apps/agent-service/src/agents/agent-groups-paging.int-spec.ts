import { AtsError, createGroupRpc, listGroupsRpc, type AgentGroup } from '@autotelesale/contracts';
import { startServiceForTest, type ServiceUnderTest } from '@autotelesale/service-testing';
import { AppModule, SERVICE_OPTIONS } from '../app.module';

let service: ServiceUnderTest;

beforeAll(async () => {
  service = await startServiceForTest(AppModule, SERVICE_OPTIONS);
});

afterAll(async () => {
  await service?.stop();
});

describe('paging agent groups', () => {
  it('returns every group once, in name order, a page at a time, with its members', async () => {
    // Two groups share a name prefix and one page boundary falls between equal-looking names.
    const names = ['Night', 'Morning B', 'Evening', 'Morning A', 'Weekend'];
    for (const name of names) await service.bus.request(createGroupRpc, { name, agentIds: [] });
    const seen: AgentGroup[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await service.bus.request(listGroupsRpc, { limit: 2, ...(cursor && { cursor }) });
      seen.push(...page.items);
      sizes.push(page.items.length);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen.map((group) => group.name)).toEqual([...names].sort());
    expect(new Set(seen.map((group) => group.groupId)).size).toBe(5);
  });

  it('refuses a cursor it did not issue with a typed error', async () => {
    const refused = await service.bus
      .request(listGroupsRpc, { cursor: 'bm90IG91cnM' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AtsError);
    expect(refused).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
