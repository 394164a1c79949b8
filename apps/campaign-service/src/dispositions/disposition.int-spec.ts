import { campaignRpcs, type LeasedContact } from '@autotelesale/contracts';
import type { ServiceUnderTest } from '@autotelesale/service-testing';
import { expectEventually } from '@autotelesale/testing';
import {
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

const dispositionSet = {
  codes: [
    { code: 'SALE', label: 'Sale', sale: true },
    { code: 'CALLBACK', label: 'Call me back', final: false, callback: true },
    { code: 'NOT_NOW', label: 'Not now', final: false, retryDelaySeconds: 0 },
    { code: 'NO', label: 'Not interested' },
  ],
  fields: [
    { name: 'product', type: 'enum' as const, required: true, options: ['gold', 'silver'] },
    { name: 'quantity', type: 'integer' as const },
  ],
};

async function campaignWithContacts(count: number, offset: number) {
  const campaign = await createCampaign(service.bus, { dispositionSet });
  const rows = Array.from({ length: count }, (_, i) => vnMobile(offset + i).national).join('\n');
  await importContent(service.bus, campaign.id, `phone\n${rows}\n`);
  return campaign;
}

const leaseOne = async (campaignId: string, extra: Record<string, unknown> = {}) =>
  (await service.bus.request(campaignRpcs.leaseContacts, { campaignId, dialerId: 'd1', count: 1, ...extra }))
    .contacts[0];

describe('dispositions and callbacks', () => {
  it('records a sale once per call, validated against the set, and finishes the contact', async () => {
    const campaign = await campaignWithContacts(1, 100);
    const contact = (await leaseOne(campaign.id))!;
    await service.bus.request(campaignRpcs.recordOutcome, {
      attemptId: contact.attemptId,
      dialerId: 'd1',
      outcome: 'answered',
      callId: 'c-1',
    });
    const base = { campaignId: campaign.id, contactId: contact.id, callId: 'c-1', agentId: 'agent-1' };
    await expect(
      service.bus.request(campaignRpcs.recordDisposition, {
        ...base,
        code: 'SALE',
        fields: { product: 'platinum', quantity: 1.5 },
      }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: expect.arrayContaining([
        expect.objectContaining({ path: 'saleValue' }),
        expect.objectContaining({ path: 'fields.product' }),
        expect.objectContaining({ path: 'fields.quantity' }),
      ]),
    });
    await expect(
      service.bus.request(campaignRpcs.recordDisposition, { ...base, code: 'MAYBE' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const request = {
      ...base,
      code: 'SALE',
      saleValue: 2_500_000,
      currency: 'VND',
      notes: '=cmd|x',
      fields: { product: 'gold', quantity: '2' },
    };
    const first = await service.bus.request(campaignRpcs.recordDisposition, request);
    expect(first).toMatchObject({
      code: 'SALE',
      sale: true,
      saleValue: 2_500_000,
      fields: { product: 'gold', quantity: 2 },
      notes: `'=cmd|x`,
      applied: true,
      contactStatus: 'done',
    });
    expect(await service.bus.request(campaignRpcs.recordDisposition, request)).toEqual(first);
    await expect(
      service.bus.request(campaignRpcs.recordDisposition, { ...request, code: 'NO', saleValue: undefined }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'DISPOSITION_MISMATCH' },
    });
    expect(await service.bus.request(campaignRpcs.getContact, { contactId: contact.id })).toMatchObject({
      status: 'done',
      finalReason: 'disposition',
      lastDisposition: 'SALE',
    });
  });

  it('turns a callback disposition into a due contact ahead of the others, for its agent only', async () => {
    const campaign = await campaignWithContacts(3, 200);
    const contact = (await leaseOne(campaign.id))!;
    await service.bus.request(campaignRpcs.recordOutcome, {
      attemptId: contact.attemptId,
      dialerId: 'd1',
      outcome: 'answered',
    });
    const callbackAt = new Date(Date.now() + 1_000).toISOString();
    const disposition = await service.bus.request(campaignRpcs.recordDisposition, {
      campaignId: campaign.id,
      contactId: contact.id,
      callId: 'c-2',
      agentId: 'agent-7',
      code: 'CALLBACK',
      callbackAt,
      notes: 'ask for me after 3 pm',
      fields: { product: 'silver' },
    });
    expect(disposition).toMatchObject({
      applied: true,
      contactStatus: 'pending',
      callbackId: expect.any(String),
    });
    const callbacks = await service.bus.request(campaignRpcs.listCallbacks, { campaignId: campaign.id });
    expect(callbacks.items).toEqual([
      expect.objectContaining({
        ownerAgentId: 'agent-7',
        state: 'scheduled',
        notes: 'ask for me after 3 pm',
      }),
    ]);

    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the callback time must pass
    const others = await service.bus.request(campaignRpcs.leaseContacts, {
      campaignId: campaign.id,
      dialerId: 'd1',
      count: 5,
    });
    expect(others.contacts.map((c) => c.id)).not.toContain(contact.id); // not for dialers without agent-7
    await service.bus.request(campaignRpcs.releaseLease, {
      dialerId: 'd1',
      attemptIds: others.contacts.map((c) => c.attemptId),
      reason: 'test',
    });
    const mine = await service.bus.request(campaignRpcs.leaseContacts, {
      campaignId: campaign.id,
      dialerId: 'd1',
      count: 5,
      agentIds: ['agent-7'],
    });
    expect(mine.contacts[0]).toMatchObject({
      id: contact.id,
      callback: { ownerAgentId: 'agent-7', notes: 'ask for me after 3 pm' },
      attemptNumber: 2,
    });
    const done = await service.bus.request(campaignRpcs.recordOutcome, {
      attemptId: mine.contacts[0]!.attemptId,
      dialerId: 'd1',
      outcome: 'answered',
    });
    expect(done).toMatchObject({ contactStatus: 'done', finalReason: 'answered' });
    expect(
      (await service.bus.request(campaignRpcs.listCallbacks, { campaignId: campaign.id })).items[0]!.state,
    ).toBe('done');
  });

  it('holds a disposition made during the call until the dialer reports the attempt, then applies it', async () => {
    const campaign = await campaignWithContacts(1, 300);
    const contact = (await leaseOne(campaign.id)) as LeasedContact;
    const disposition = await service.bus.request(campaignRpcs.recordDisposition, {
      campaignId: campaign.id,
      contactId: contact.id,
      callId: 'c-3',
      agentId: 'agent-1',
      code: 'NOT_NOW',
      fields: { product: 'gold' },
    });
    expect(disposition).toMatchObject({ applied: false, contactStatus: 'leased' });
    const outcome = await service.bus.request(campaignRpcs.recordOutcome, {
      attemptId: contact.attemptId,
      dialerId: 'd1',
      outcome: 'answered',
    });
    // NOT_NOW is not final: due again (its delay is 0) rather than finished as answered.
    expect(outcome).toMatchObject({ applied: true, contactStatus: 'pending', finalReason: null });
    expect((await leaseOne(campaign.id))?.id).toBe(contact.id);
    const listed = await service.bus.request(campaignRpcs.listDispositions, {
      campaignId: campaign.id,
      contactId: contact.id,
    });
    expect(listed.items).toEqual([expect.objectContaining({ callId: 'c-3', applied: true })]);
  });

  it('schedules a callback on a bare number (a missed inbound caller), first in first out, and cancels one', async () => {
    const campaign = await campaignWithContacts(2, 400);
    const events = collectEvents(service, campaign.id);
    const first = await service.bus.request(campaignRpcs.scheduleCallback, {
      campaignId: campaign.id,
      phone: '0912 345 678',
      name: 'Caller during the TV ad',
      requestedBy: 'ivr',
      idempotencyKey: 'missed-call-1',
    });
    const again = await service.bus.request(campaignRpcs.scheduleCallback, {
      campaignId: campaign.id,
      phone: '0912 345 678',
      idempotencyKey: 'missed-call-1',
    });
    expect(again.id).toBe(first.id);
    const second = await service.bus.request(campaignRpcs.scheduleCallback, {
      campaignId: campaign.id,
      phone: '+84 912 345 679',
    });
    const cancelled = await service.bus.request(campaignRpcs.scheduleCallback, {
      campaignId: campaign.id,
      phone: '0912345680',
    });
    expect(
      await service.bus.request(campaignRpcs.cancelCallback, { callbackId: cancelled.id }),
    ).toMatchObject({ state: 'cancelled' });

    const leased = await service.bus.request(campaignRpcs.leaseContacts, {
      campaignId: campaign.id,
      dialerId: 'd1',
      count: 10,
    });
    expect(leased.contacts.slice(0, 2).map((c) => c.id)).toEqual([first.contactId, second.contactId]);
    expect(leased.contacts[0]).toMatchObject({
      phone: '+84912345678',
      name: 'Caller during the TV ad',
      listId: null,
    });
    expect(leased.contacts.filter((c) => c.callback !== null)).toHaveLength(2);
    expect(leased.contacts).toHaveLength(5);
    await flushEvents(service);
    await expectEventually(() =>
      expect(events.events.filter((e) => e.type.startsWith('callback.')).map((e) => e.type)).toEqual([
        'callback.scheduled',
        'callback.scheduled',
        'callback.scheduled',
        'callback.closed',
      ]),
    );
    events.stop();
  });
});
