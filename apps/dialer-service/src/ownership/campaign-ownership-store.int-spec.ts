import { randomUUID } from 'node:crypto';
import { createTopology } from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { deleteNamespaceStreams, ensureNats, testNamespace } from '@autotelesale/testing';
import { CampaignOwnershipStore } from './campaign-ownership-store';

let bus: NatsBus;
let natsUrl: string;
const namespace = testNamespace();
const topology = createTopology(namespace);

beforeAll(async () => {
  natsUrl = await ensureNats();
  bus = await NatsBus.connect({ servers: natsUrl, name: 'ownership-test', topology });
});

afterAll(async () => {
  await bus.drain();
  await deleteNamespaceStreams(natsUrl, namespace);
});

async function stores(leaseMs: number, clock?: { now: number }) {
  const kv = await bus.kv(topology.kv.campaignOwnership);
  const now = clock ? () => clock.now : Date.now;
  return [
    new CampaignOwnershipStore(kv, 'dialer-a', leaseMs, now),
    new CampaignOwnershipStore(kv, 'dialer-b', leaseMs, now),
  ] as const;
}

it('gives a campaign to exactly one of two replicas racing for it', async () => {
  const [a, b] = await stores(10_000);
  const campaignId = randomUUID();
  const results = await Promise.all([a, b, a, b, a, b].map((s) => s.claim(campaignId)));
  const owner = (await a.ownerOf(campaignId))!.dialerId;
  // Each replica may renew its own claim, but the other one never gets it.
  const winners = new Set(results.map((r, i) => (r.owned ? ['dialer-a', 'dialer-b'][i % 2] : undefined)));
  winners.delete(undefined);
  expect([...winners]).toEqual([owner]);
});

it('keeps a campaign while its owner renews, and hands it over once the lease lapses, naming the old owner', async () => {
  const clock = { now: 1_000_000 };
  const [a, b] = await stores(9_000, clock);
  const campaignId = randomUUID();
  expect(await a.claim(campaignId)).toEqual({ owned: true, previousOwner: undefined });
  clock.now += 8_000;
  expect(await b.claim(campaignId)).toEqual({ owned: false, owner: 'dialer-a' });
  expect(await a.claim(campaignId)).toEqual({ owned: true, previousOwner: undefined });
  clock.now += 8_999;
  expect(await b.claim(campaignId)).toMatchObject({ owned: false });
  clock.now += 1;
  expect(await b.claim(campaignId)).toEqual({
    owned: true,
    previousOwner: 'dialer-a',
    previousSince: 1_000_000,
  });
  // The old owner's next renewal tells it the campaign is gone: it must stop dialing it.
  expect(await a.claim(campaignId)).toEqual({ owned: false, owner: 'dialer-b' });
});

it('lets another replica take a released campaign at once, and refuses a release by a non-owner', async () => {
  const [a, b] = await stores(60_000);
  const campaignId = randomUUID();
  await a.claim(campaignId);
  expect(await b.release(campaignId)).toBe(false);
  expect((await a.ownerOf(campaignId))?.dialerId).toBe('dialer-a');
  expect(await a.release(campaignId)).toBe(true);
  expect(await b.claim(campaignId)).toEqual({ owned: true, previousOwner: undefined });
});
