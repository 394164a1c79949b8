import {
  campaignRpcs,
  complianceRpcs,
  type ContactOutcome,
  type EventEnvelope,
  type LeasedContact,
} from '@autotelesale/contracts';
import type { ServiceUnderTest } from '@autotelesale/service-testing';
import { expectEventually } from '@autotelesale/testing';
import {
  collectEvents,
  createCampaign,
  flushEvents,
  importContent,
  startCampaignService,
} from '../../test/campaign-test-kit';

let service: ServiceUnderTest;

beforeAll(async () => {
  service = await startCampaignService();
});

afterAll(async () => {
  await service?.stop();
});

// Vietnamese numbers (calling hours in the test campaigns are open around the clock). Invalid
// numbers and the global DNC list span campaigns, so each test takes numbers of its own.
let MAIN = '';
let ALT1 = '';
let ALT2 = '';
let seq = 100;
const fresh = () => `+849${String(seq++).padStart(8, '0')}`;
const masked = (phone: string) => `${phone.slice(0, 3)}******${phone.slice(-3)}`;
beforeEach(() => {
  [MAIN, ALT1, ALT2] = [fresh(), fresh(), fresh()];
});
const NOW_RETRIES = {
  busy: { delaySeconds: 0, maxAttempts: 10 },
  noAnswer: { delaySeconds: 0, maxAttempts: 10 },
  failed: { delaySeconds: 0, maxAttempts: 10 },
  machine: { delaySeconds: 0, maxAttempts: 10 },
  maxTotalAttempts: 10,
};

const leaseOne = async (campaignId: string): Promise<LeasedContact | undefined> =>
  (
    await service.bus.request(campaignRpcs.leaseContacts, {
      campaignId,
      dialerId: 'd1',
      count: 1,
      leaseSeconds: 60,
    })
  ).contacts[0];

const clear = (contact: LeasedContact) =>
  service.bus.request(complianceRpcs.clearToDial, { attemptId: contact.attemptId, dialerId: 'd1' });

const report = (contact: LeasedContact, outcome: ContactOutcome) =>
  service.bus.request(campaignRpcs.recordOutcome, { attemptId: contact.attemptId, dialerId: 'd1', outcome });

/** Lease, clear and report `outcome`, returning the number the lease handed out. */
async function dialOnce(campaignId: string, outcome: ContactOutcome): Promise<string> {
  const contact = await leaseOne(campaignId);
  if (!contact) throw new Error('nothing leased');
  expect((await clear(contact)).allowed).toBe(true);
  await report(contact, outcome);
  return contact.phone;
}

async function campaignWithNumbers(retryRules: Record<string, unknown> = NOW_RETRIES) {
  const campaign = await createCampaign(service.bus, { retryRules });
  const status = await importContent(
    service.bus,
    campaign.id,
    `phone,phone2,alt_phone,name\n${MAIN},${ALT1},${ALT2},Three numbers\n`,
  );
  expect(status).toMatchObject({ accepted: 1, rejected: 0, warnings: 0 });
  return campaign;
}

const dialRefusals = (events: EventEnvelope[]) => events.filter((e) => e.type === 'contact.dialRefused');

describe('importing alternate numbers', () => {
  it('normalises alternates like the main number and reports bad ones by row without losing the row', async () => {
    const campaign = await createCampaign(service.bus);
    const status = await importContent(
      service.bus,
      campaign.id,
      [
        'phone,name,phone2,mobile,Other',
        '0961166133,A,0912 345 678,+33 6 12 34 56 78,x',
        '0961166134,B,=1+2,0987654321,',
        '0961166135,C,,12,',
        'abc,D,0912345678,,',
      ].join('\n'),
      { columnMap: { alternatePhones: ['phone2', 'MOBILE'] } },
    );
    expect(status).toMatchObject({ rowsIn: 4, accepted: 3, rejected: 1, warnings: 2 });

    const page = await service.bus.request(campaignRpcs.listContacts, { campaignId: campaign.id, limit: 10 });
    const byPhone = new Map(page.items.map((c) => [c.phone, c]));
    expect(byPhone.get('+84961166133')!.alternatePhones).toEqual(['+84912345678', '+33612345678']);
    expect(byPhone.get('+84961166133')!.fields).toEqual({ Other: 'x' });
    expect(byPhone.get('+84961166134')!.alternatePhones).toEqual(['+84987654321']);
    expect(byPhone.get('+84961166135')!.alternatePhones).toEqual([]);

    const warnings = await service.bus.request(campaignRpcs.importWarnings, { importId: status.importId });
    expect(warnings.totalWarnings).toBe(2);
    expect(warnings.items).toEqual([
      // The cell comes back formula-escaped, like every value from a file.
      {
        line: 3,
        row: 2,
        column: 'phone2',
        code: 'ALT_PHONE_INVALID',
        reason: expect.any(String),
        value: "'=1+2",
      },
      {
        line: 4,
        row: 3,
        column: 'mobile',
        code: 'ALT_PHONE_INVALID',
        reason: expect.any(String),
        value: '12',
      },
    ]);
    const first = await service.bus.request(campaignRpcs.importWarnings, {
      importId: status.importId,
      limit: 1,
    });
    expect(first.items.map((w) => w.row)).toEqual([2]);
    const second = await service.bus.request(campaignRpcs.importWarnings, {
      importId: status.importId,
      afterRow: first.nextAfterRow!,
      limit: 1,
    });
    expect(second.items.map((w) => w.row)).toEqual([3]);
    expect(second.nextAfterRow).toBeNull();
  });

  it('adds the alternates of a later row to the contact', async () => {
    const campaign = await createCampaign(service.bus);
    await importContent(service.bus, campaign.id, `phone,phone2\n${MAIN},${ALT1}\n`);
    const status = await importContent(service.bus, campaign.id, `phone,phone2\n${MAIN},${ALT2}\n`);
    expect(status).toMatchObject({ merged: 1 });
    const page = await service.bus.request(campaignRpcs.listContacts, { campaignId: campaign.id, limit: 10 });
    expect(page.items[0]!.alternatePhones).toEqual([ALT1, ALT2]);
  });
});

describe('retries over a contact’s numbers', () => {
  it('walks the numbers round-robin after no answer, busy and failure, and stays on one after a machine', async () => {
    const campaign = await campaignWithNumbers();
    const dialed = [
      await dialOnce(campaign.id, 'noAnswer'),
      await dialOnce(campaign.id, 'busy'),
      await dialOnce(campaign.id, 'failed'),
      await dialOnce(campaign.id, 'machine'),
      await dialOnce(campaign.id, 'noAnswer'),
    ];
    expect(dialed).toEqual([MAIN, ALT1, ALT2, MAIN, MAIN]);
    const next = (await leaseOne(campaign.id))!;
    expect(next).toMatchObject({ phone: ALT1, primaryPhone: MAIN, phoneIndex: 1, attemptNumber: 6 });

    // The audit says which number each clear-to-dial decision was for.
    const audit = await service.bus.request(complianceRpcs.listDialAudit, { contactId: next.id });
    const dials = audit.items.filter((a) => a.stage === 'dial');
    expect(dials.map((a) => [a.phoneIndex, a.phoneMasked])).toEqual([
      [0, masked(MAIN)],
      [1, masked(ALT1)],
      [2, masked(ALT2)],
      [0, masked(MAIN)],
      [0, masked(MAIN)],
    ]);
  });

  it('retires an invalid number for good and keeps dialing the others', async () => {
    const campaign = await campaignWithNumbers();
    expect(await dialOnce(campaign.id, 'invalidNumber')).toBe(MAIN);
    const contactId = (
      await service.bus.request(campaignRpcs.listContacts, { campaignId: campaign.id, limit: 1 })
    ).items[0]!.id;
    // Due again at once, on its next number.
    expect(await service.bus.request(campaignRpcs.getContact, { contactId })).toMatchObject({
      status: 'pending',
      finalReason: null,
    });
    const dialed = [
      await dialOnce(campaign.id, 'noAnswer'),
      await dialOnce(campaign.id, 'noAnswer'),
      await dialOnce(campaign.id, 'busy'),
    ];
    expect(dialed).toEqual([ALT1, ALT2, ALT1]);

    // Another campaign with the dead number as its main one never dials it, only its alternate.
    const other = await createCampaign(service.bus, { retryRules: NOW_RETRIES });
    await importContent(service.bus, other.id, `phone,phone2\n${MAIN},+84900000001\n`);
    expect(await dialOnce(other.id, 'noAnswer')).toBe('+84900000001');
    expect(await dialOnce(other.id, 'noAnswer')).toBe('+84900000001');
  });

  it('skips an alternate on a do-not-call list, and audits the skip', async () => {
    const campaign = await campaignWithNumbers();
    await service.bus.request(complianceRpcs.addDncEntries, {
      list: { kind: 'campaign', campaignId: campaign.id },
      phones: [ALT1],
    });
    expect(await dialOnce(campaign.id, 'noAnswer')).toBe(MAIN);
    const second = (await leaseOne(campaign.id))!;
    expect(second).toMatchObject({ phone: ALT2, phoneIndex: 2 });
    const audit = await service.bus.request(complianceRpcs.listDialAudit, { contactId: second.id });
    expect(audit.items.filter((a) => a.stage === 'lease')).toEqual([
      expect.objectContaining({
        allowed: false,
        reason: 'doNotCall',
        phoneIndex: 1,
        phoneMasked: masked(ALT1),
      }),
    ]);
    expect((await clear(second)).allowed).toBe(true);
    await report(second, 'busy');
    expect((await leaseOne(campaign.id))!.phone).toBe(MAIN);
  });

  it('refuses at clear-to-dial an alternate listed while leased, and puts the contact back on its next number', async () => {
    const campaign = await campaignWithNumbers();
    expect(await dialOnce(campaign.id, 'noAnswer')).toBe(MAIN);
    const leased = (await leaseOne(campaign.id))!;
    expect(leased.phone).toBe(ALT1);
    await service.bus.request(complianceRpcs.addDncEntries, { list: { kind: 'global' }, phones: [ALT1] });
    expect(await clear(leased)).toMatchObject({ allowed: false, reason: 'doNotCall', final: false });
    expect(await service.bus.request(campaignRpcs.getContact, { contactId: leased.id })).toMatchObject({
      status: 'pending',
      attempts: 1,
    });
    expect((await leaseOne(campaign.id))!.phone).toBe(ALT2);
  });

  it('finishes the contact when every number is dead', async () => {
    const campaign = await createCampaign(service.bus, { retryRules: NOW_RETRIES });
    await importContent(service.bus, campaign.id, `phone,phone2\n+84900000011,+84900000012\n`);
    expect(await dialOnce(campaign.id, 'invalidNumber')).toBe('+84900000011');
    const last = (await leaseOne(campaign.id))!;
    expect(last.phone).toBe('+84900000012');
    expect((await clear(last)).allowed).toBe(true);
    expect(await report(last, 'invalidNumber')).toMatchObject({
      contactStatus: 'done',
      finalReason: 'invalidNumber',
    });
    expect(await leaseOne(campaign.id)).toBeUndefined();
  });

  it('finishes at lease a contact whose remaining numbers are dead or listed', async () => {
    const campaign = await createCampaign(service.bus, { retryRules: NOW_RETRIES });
    await importContent(service.bus, campaign.id, `phone,phone2\n+84900000021,+84900000022\n`);
    await service.bus.request(complianceRpcs.addDncEntries, {
      list: { kind: 'global' },
      phones: ['+84900000022'],
    });
    expect(await dialOnce(campaign.id, 'invalidNumber')).toBe('+84900000021');
    expect(await leaseOne(campaign.id)).toBeUndefined();
    const contact = (
      await service.bus.request(campaignRpcs.listContacts, { campaignId: campaign.id, limit: 1 })
    ).items[0]!;
    expect(contact).toMatchObject({ status: 'done', finalReason: 'doNotCall', attempts: 1 });
  });

  it('bounds the whole contact by its maximum attempts, whichever numbers were dialed', async () => {
    const campaign = await campaignWithNumbers({ ...NOW_RETRIES, maxTotalAttempts: 2 });
    expect(await dialOnce(campaign.id, 'noAnswer')).toBe(MAIN);
    const second = (await leaseOne(campaign.id))!;
    expect(second.phone).toBe(ALT1);
    expect((await clear(second)).allowed).toBe(true);
    expect(await report(second, 'noAnswer')).toMatchObject({
      contactStatus: 'done',
      finalReason: 'maxAttempts',
    });
    expect(await leaseOne(campaign.id)).toBeUndefined();
  });

  it('counts the daily cap per number: a capped main number gives way to its alternate', async () => {
    const campaign = await createCampaign(service.bus, {
      retryRules: NOW_RETRIES,
      compliance: { maxDialsPerNumberPerDay: 1 },
    });
    await importContent(service.bus, campaign.id, `phone,phone2\n+84900000031,+84900000032\n`);
    expect(await dialOnce(campaign.id, 'machine')).toBe('+84900000031');
    // A machine keeps the main number, but it has had its one dial today.
    expect(await dialOnce(campaign.id, 'machine')).toBe('+84900000032');
    // Both capped: the contact waits for the next local day.
    expect(await leaseOne(campaign.id)).toBeUndefined();
    const contact = (
      await service.bus.request(campaignRpcs.listContacts, { campaignId: campaign.id, limit: 1 })
    ).items[0]!;
    expect(contact.status).toBe('pending');
    expect(Date.parse(contact.dueAt!)).toBeGreaterThan(Date.now());
  });
});

describe('events for dial-time refusals', () => {
  it('publishes contact.dialRefused exactly once for a refusal at lease time, without the number', async () => {
    const campaign = await createCampaign(service.bus);
    await importContent(service.bus, campaign.id, `phone\n+84900000041\n+84900000042\n`);
    await service.bus.request(complianceRpcs.addDncEntries, {
      list: { kind: 'global' },
      phones: ['+84900000041'],
    });
    const events = collectEvents(service, campaign.id);
    const leased = await service.bus.request(campaignRpcs.leaseContacts, {
      campaignId: campaign.id,
      dialerId: 'd1',
      count: 5,
    });
    expect(leased.contacts.map((c) => c.phone)).toEqual(['+84900000042']);
    // Leasing again finds nothing more to refuse.
    await service.bus.request(campaignRpcs.leaseContacts, {
      campaignId: campaign.id,
      dialerId: 'd1',
      count: 5,
    });
    await flushEvents(service);
    await expectEventually(() => expect(dialRefusals(events.events)).toHaveLength(1));
    await flushEvents(service);
    const refused = dialRefusals(events.events);
    expect(refused).toHaveLength(1);
    const refusedContact = (
      await service.bus.request(campaignRpcs.listContacts, {
        campaignId: campaign.id,
        phone: '+84900000041',
        limit: 1,
      })
    ).items[0]!;
    expect(refused[0]!.payload).toMatchObject({
      campaignId: campaign.id,
      contactId: refusedContact.id,
      stage: 'lease',
      rule: 'doNotCall',
      result: 'finished',
      finalReason: 'doNotCall',
      nextDueAt: null,
      phoneIndex: 0,
    });
    expect(JSON.stringify(refused[0])).not.toContain('900000041');
    events.stop();
  });

  it('publishes contact.dialRefused exactly once for a clear-to-dial refusal, with when it is due again', async () => {
    const campaign = await campaignWithNumbers();
    const events = collectEvents(service, campaign.id);
    const leased = (await leaseOne(campaign.id))!;
    await service.bus.request(complianceRpcs.addDncEntries, {
      list: { kind: 'campaign', campaignId: campaign.id },
      phones: [MAIN],
    });
    expect((await clear(leased)).allowed).toBe(false);
    // A second check of the same attempt refuses again but changes nothing: no second event.
    expect((await clear(leased)).allowed).toBe(false);
    await flushEvents(service);
    await expectEventually(() => expect(dialRefusals(events.events)).toHaveLength(1));
    await flushEvents(service);
    expect(dialRefusals(events.events)).toHaveLength(1);
    expect(dialRefusals(events.events)[0]!.payload).toMatchObject({
      contactId: leased.id,
      attemptId: leased.attemptId,
      stage: 'dial',
      rule: 'doNotCall',
      result: 'rescheduled',
      finalReason: null,
      phoneIndex: 0,
      nextDueAt: expect.any(String),
    });
    events.stop();
  });
});
