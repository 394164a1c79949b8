import { campaignRpcs, complianceRpcs, type LeasedContact } from '@autotelesale/contracts';
import type { ServiceUnderTest } from '@autotelesale/service-testing';
import {
  campaignDb,
  createCampaign,
  importContent,
  startCampaignService,
} from '../../test/campaign-test-kit';

// The compliance clock reads Monday 1 June 2026 15:00 UTC: 17:00 in Paris, 22:00 in Hanoi,
// 11:00 in New York, midnight in Tokyo (and moves on in real time from there).
const CLOCK_START = '2026-06-01T15:00:00Z';
let service: ServiceUnderTest;

beforeAll(async () => {
  process.env['ATS_COMPLIANCE_CLOCK'] = `${CLOCK_START}@1`;
  service = await startCampaignService();
});

afterAll(async () => {
  delete process.env['ATS_COMPLIANCE_CLOCK'];
  await service?.stop();
});

const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const DAYTIME_PARIS = {
  timeZone: 'Europe/Paris',
  timeZonePolicy: 'contact' as const,
  windows: [{ days: [...EVERY_DAY], start: '08:00', end: '21:00' }],
};
const FR = '+33612345678';
const US_NY = '+12125551234';
const VN = '+84961166133';

const lease = (campaignId: string, count = 10) =>
  service.bus.request(campaignRpcs.leaseContacts, { campaignId, dialerId: 'd1', count, leaseSeconds: 60 });
const clear = (contact: LeasedContact) =>
  service.bus.request(complianceRpcs.clearToDial, { attemptId: contact.attemptId, dialerId: 'd1' });

async function campaignWith(csv: string, settings: Record<string, unknown> = {}) {
  const campaign = await createCampaign(service.bus, { callingHours: DAYTIME_PARIS, ...settings });
  await importContent(service.bus, campaign.id, csv);
  return campaign;
}

async function contactByPhone(campaignId: string, phone: string) {
  const page = await service.bus.request(campaignRpcs.listContacts, { campaignId, phone, limit: 1 });
  return page.items[0]!;
}

describe('compliance at lease time', () => {
  it('hands out only contacts inside their own hours; the others wait for their next opening', async () => {
    const campaign = await campaignWith(
      `phone,name,timezone\n${FR},Paris,\n${US_NY},New York,\n${VN},Hanoi,\n+33612345679,Paris but in Tokyo,Asia/Tokyo\n`,
    );
    const leased = await lease(campaign.id);
    expect(leased.contacts.map((c) => c.phone).sort()).toEqual([US_NY, FR].sort());

    const hanoi = await contactByPhone(campaign.id, VN);
    expect(hanoi.status).toBe('pending');
    // 08:00 in Hanoi is 01:00Z on 2 June: ten hours of compliance clock from the start.
    const dueInHours = (Date.parse(hanoi.dueAt!) - Date.now()) / 3_600_000;
    expect(dueInHours).toBeGreaterThan(9.9);
    expect(dueInHours).toBeLessThan(10.01);
    const audit = await service.bus.request(complianceRpcs.listDialAudit, { contactId: hanoi.id });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({ stage: 'lease', allowed: false, reason: 'outsideHours' });
    expect(audit.items[0]!.phoneMasked).toBe('+84******133');
    const hours = audit.items[0]!.checks.find((c) => c.rule === 'callingHours')!;
    expect(hours.inputs).toMatchObject({ zoneSource: 'country', country: 'VN' });
    expect(JSON.stringify(hours.inputs)).toContain('2026-06-01 mon 22:0');

    const tokyo = await contactByPhone(campaign.id, '+33612345679');
    expect(tokyo.status).toBe('pending');
    const tokyoAudit = await service.bus.request(complianceRpcs.listDialAudit, { contactId: tokyo.id });
    expect(tokyoAudit.items[0]!.checks.find((c) => c.rule === 'callingHours')!.inputs).toMatchObject({
      zoneSource: 'contact',
    });

    // Nothing more to hand out now.
    expect((await lease(campaign.id)).contacts).toEqual([]);
  });

  it('never hands out a number on a list, and finishes its contact for good', async () => {
    const campaign = await campaignWith(`phone\n${FR}\n+33612345680\n`);
    await service.bus.request(complianceRpcs.addDncEntries, {
      list: { kind: 'campaign', campaignId: campaign.id },
      phones: ['06 12 34 56 80'],
      defaultRegion: 'FR',
      reason: 'asked not to be called',
    });
    const leased = await lease(campaign.id);
    expect(leased.contacts.map((c) => c.phone)).toEqual([FR]);
    const listed = await contactByPhone(campaign.id, '+33612345680');
    expect(listed).toMatchObject({ status: 'done', finalReason: 'doNotCall', attempts: 0 });
  });
});

describe('clear to dial', () => {
  it('refuses a number put on the DNC list while its contact is leased, and records why', async () => {
    const campaign = await campaignWith(`phone\n${FR}\n${US_NY}\n`);
    const leased = await lease(campaign.id);
    expect(leased.contacts).toHaveLength(2);
    const fr = leased.contacts.find((c) => c.phone === FR)!;
    const us = leased.contacts.find((c) => c.phone === US_NY)!;

    await service.bus.request(complianceRpcs.addDncEntries, { list: { kind: 'global' }, phones: [FR] });

    const refused = await clear(fr);
    expect(refused).toMatchObject({ allowed: false, reason: 'doNotCall', final: true, retryAt: null });
    const allowed = await clear(us);
    expect(allowed).toMatchObject({ allowed: true, reason: null });

    const contact = await service.bus.request(campaignRpcs.getContact, { contactId: fr.id });
    expect(contact).toMatchObject({ status: 'done', finalReason: 'doNotCall', attempts: 0 });
    // The lease is gone: an outcome for it is late and changes nothing, a second check finds no lease.
    expect(await clear(fr)).toMatchObject({ allowed: false, reason: 'leaseNotHeld' });

    const audit = await service.bus.request(complianceRpcs.listDialAudit, { contactId: fr.id, limit: 1 });
    expect(audit.items[0]).toMatchObject({
      stage: 'dial',
      allowed: false,
      reason: 'doNotCall',
      id: refused.auditId,
    });
    expect(audit.items[0]!.checks.find((c) => c.rule === 'doNotCall')).toMatchObject({
      passed: false,
      inputs: { hits: [{ kind: 'global', campaignId: null }] },
    });
    expect(audit.nextCursor).not.toBeNull();
    const rest = await service.bus.request(complianceRpcs.listDialAudit, {
      contactId: fr.id,
      cursor: audit.nextCursor!,
    });
    expect(rest.items.map((a) => a.reason)).toEqual(['leaseNotHeld']);

    const usAudit = await service.bus.request(complianceRpcs.listDialAudit, { contactId: us.id });
    expect(usAudit.items).toEqual([
      expect.objectContaining({ stage: 'dial', allowed: true, reason: null, id: allowed.auditId }),
    ]);
    expect(usAudit.items[0]!.checks.every((c) => c.passed)).toBe(true);

    await service.bus.request(complianceRpcs.removeDncEntries, { list: { kind: 'global' }, phones: [FR] });
  });

  it('caps the dials to one number per local day', async () => {
    const campaign = await campaignWith(`phone\n+33612345681\n`, {
      compliance: { maxDialsPerNumberPerDay: 1 },
      retryRules: { busy: { delaySeconds: 0, maxAttempts: 5 } },
    });
    const [first] = (await lease(campaign.id)).contacts;
    expect(await clear(first!)).toMatchObject({ allowed: true });
    await service.bus.request(campaignRpcs.recordOutcome, {
      attemptId: first!.attemptId,
      dialerId: 'd1',
      outcome: 'busy',
    });
    // Due again at once by the busy rule, but the number had its dial today.
    expect((await lease(campaign.id)).contacts).toEqual([]);
    const contact = await contactByPhone(campaign.id, '+33612345681');
    expect(contact.status).toBe('pending');
    // Midnight in Paris is 22:00Z: seven hours of compliance clock after the start.
    const dueInHours = (Date.parse(contact.dueAt!) - Date.now()) / 3_600_000;
    expect(dueInHours).toBeGreaterThan(6.9);
    expect(dueInHours).toBeLessThan(7.01);
  });

  it('never dials again a number that answered with an invalid-number cause, in any campaign', async () => {
    const a = await campaignWith(`phone\n+33612345682\n`);
    const [contact] = (await lease(a.id)).contacts;
    expect(await clear(contact!)).toMatchObject({ allowed: true });
    await service.bus.request(campaignRpcs.recordOutcome, {
      attemptId: contact!.attemptId,
      dialerId: 'd1',
      outcome: 'invalidNumber',
      hangupCause: 'UNALLOCATED_NUMBER',
    });
    const b = await campaignWith(`phone\n+33612345682\n`);
    expect((await lease(b.id)).contacts).toEqual([]);
    expect(await contactByPhone(b.id, '+33612345682')).toMatchObject({
      status: 'done',
      finalReason: 'invalidNumber',
    });
    const check = await service.bus.request(complianceRpcs.checkNumber, { phone: '+33612345682' });
    expect(check).toMatchObject({ allowed: false, invalidNumber: true });
  });
});

describe('clear to dial, many at once', () => {
  const clearMany = (attemptIds: string[]) =>
    service.bus.request(complianceRpcs.clearToDialMany, { attemptIds, dialerId: 'd1' });

  it('decides each attempt as alone, in the request order, audits each, and names the unknown ones', async () => {
    const campaign = await campaignWith(`phone\n+33612345691\n+33612345692\n+33612345693\n`);
    const leased = (await lease(campaign.id)).contacts;
    expect(leased).toHaveLength(3);
    const [a, listed, c] = leased;
    await service.bus.request(complianceRpcs.addDncEntries, {
      list: { kind: 'global' },
      phones: [listed!.phone],
    });
    const unknown = '00000000-0000-4000-8000-00000000abcd';
    const reply = await clearMany([c!.attemptId, unknown, listed!.attemptId, a!.attemptId]);
    expect(reply.notFound).toEqual([unknown]);
    expect(reply.results.map((r) => [r.attemptId, r.allowed, r.reason])).toEqual([
      [c!.attemptId, true, null],
      [listed!.attemptId, false, 'doNotCall'],
      [a!.attemptId, true, null],
    ]);
    // The refused contact is finished as a single clearance finishes it; the others stay leased.
    expect(await service.bus.request(campaignRpcs.getContact, { contactId: listed!.id })).toMatchObject({
      status: 'done',
      finalReason: 'doNotCall',
    });
    expect(await service.bus.request(campaignRpcs.getContact, { contactId: a!.id })).toMatchObject({
      status: 'leased',
    });
    for (const [contact, result] of [
      [c!, reply.results[0]!],
      [listed!, reply.results[1]!],
      [a!, reply.results[2]!],
    ] as const) {
      const audit = await service.bus.request(complianceRpcs.listDialAudit, { contactId: contact.id });
      expect(audit.items).toEqual([
        expect.objectContaining({
          id: result.auditId,
          attemptId: contact.attemptId,
          stage: 'dial',
          allowed: result.allowed,
          reason: result.reason,
        }),
      ]);
    }
    // The single clearance agrees with the batch's answer afterwards.
    expect(await clear(a!)).toMatchObject({ allowed: true });
    await expect(clear({ ...a!, attemptId: unknown })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await service.bus.request(complianceRpcs.removeDncEntries, {
      list: { kind: 'global' },
      phones: [listed!.phone],
    });
  });

  it('counts a dial cleared earlier in the batch towards the daily cap of the same number', async () => {
    const phone = '+33612345694';
    const settings = { compliance: { maxDialsPerNumberPerDay: 1 } };
    const first = (await lease((await campaignWith(`phone\n${phone}\n`, settings)).id)).contacts[0]!;
    const second = (await lease((await campaignWith(`phone\n${phone}\n`, settings)).id)).contacts[0]!;
    const reply = await clearMany([first.attemptId, second.attemptId]);
    expect(reply.results.map((r) => [r.allowed, r.reason])).toEqual([
      [true, null],
      [false, 'dailyCap'],
    ]);
  });

  it('two batches over the same contacts in opposite orders both answer (no deadlock), each decision audited', async () => {
    const campaign = await campaignWith(
      `phone\n${Array.from({ length: 12 }, (_, i) => `+336123457${String(i).padStart(2, '0')}`).join('\n')}\n`,
    );
    const ids = (await lease(campaign.id, 12)).contacts.map((c) => c.attemptId);
    expect(ids).toHaveLength(12);
    const replies = await Promise.all([
      clearMany(ids),
      clearMany([...ids].reverse()),
      clearMany(ids.filter((_, i) => i % 2 === 0)),
    ]);
    expect(replies.map((r) => r.results.filter((x) => x.allowed).length)).toEqual([12, 12, 6]);
    const { rows } = await campaignDb(service).query<{ n: number }>(
      `SELECT count(*)::int AS n FROM dial_audit WHERE attempt_id = ANY($1::uuid[]) AND stage = 'dial'`,
      [ids],
    );
    expect(rows[0]!.n).toBe(30);
  });

  it('refuses an empty batch, a repeated id and more than the maximum, as validation errors', async () => {
    const id = '00000000-0000-4000-8000-00000000abce';
    await expect(clearMany([])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(clearMany([id, id])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const many = Array.from(
      { length: 201 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    await expect(clearMany(many)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

describe('do-not-call lists', () => {
  it('imports a CSV with a header, reports bad rows by line, pages the list, checks numbers both ways', async () => {
    const csv = '\uFEFFname,so_dien_thoai\nA,0961 000 001\nB,not a number\nC,+84961000002\nD,0961000001\n';
    const reply = await service.bus.request(complianceRpcs.importDnc, { list: { kind: 'blacklist' }, csv });
    expect(reply).toMatchObject({ added: 2, alreadyListed: 1 });
    expect(reply.rejected).toEqual([expect.objectContaining({ line: 3, code: 'PHONE_INVALID' })]);

    const first = await service.bus.request(complianceRpcs.listDncEntries, {
      list: { kind: 'blacklist' },
      limit: 1,
    });
    expect(first.items.map((e) => e.phone)).toEqual(['+84961000001']);
    expect(first.items[0]).toMatchObject({ kind: 'blacklist', source: 'import' });
    const second = await service.bus.request(complianceRpcs.listDncEntries, {
      list: { kind: 'blacklist' },
      limit: 1,
      cursor: first.nextCursor!,
    });
    expect(second.items.map((e) => e.phone)).toEqual(['+84961000002']);
    expect(second.nextCursor).toBeNull();

    // The blacklist refuses the harasser's inbound calls too; a global entry only outbound ones.
    expect(
      await service.bus.request(complianceRpcs.checkNumber, { phone: '0961000001', direction: 'inbound' }),
    ).toMatchObject({ allowed: false, phone: '+84961000001' });
    await service.bus.request(complianceRpcs.addDncEntries, {
      list: { kind: 'global' },
      phones: ['0961000003'],
    });
    expect(
      await service.bus.request(complianceRpcs.checkNumber, { phone: '0961000003', direction: 'inbound' }),
    ).toMatchObject({ allowed: true });
    expect(await service.bus.request(complianceRpcs.checkNumber, { phone: '0961000003' })).toMatchObject({
      allowed: false,
    });

    const removed = await service.bus.request(complianceRpcs.removeDncEntries, {
      list: { kind: 'blacklist' },
      phones: ['0961 000 001'],
    });
    expect(removed.removed).toBe(1);
    const rows = await campaignDb(service).query(
      `SELECT count(*)::int AS n FROM dnc_entry WHERE kind = 'blacklist'`,
    );
    expect(rows.rows[0].n).toBe(1);
  });

  it('refuses a campaign list of an unknown campaign', async () => {
    await expect(
      service.bus.request(complianceRpcs.addDncEntries, {
        list: { kind: 'campaign', campaignId: '00000000-0000-4000-8000-000000000000' },
        phones: [FR],
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
