import { campaignRpcs, complianceRpcs, type Contact } from '@autotelesale/contracts';
import type { ServiceUnderTest } from '@autotelesale/service-testing';
import { createCampaign, importContent, startCampaignService } from '../../test/campaign-test-kit';

// The compliance clock reads Monday 1 June 2026 12:30 UTC (and moves on in real time):
// 08:30 in Santiago but 06:30 on Easter Island, 08:30 in Toronto but 07:30 in Winnipeg,
// 08:30 in New York, 19:30 in Hanoi, 17:30 in Kazakhstan, 22:30 in Sydney (22:00 in Broken
// Hill), 14:30 in Paris.
const CLOCK_START = '2026-06-01T12:30:00Z';
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

const CHILE = '+56221234567'; // no column: every zone ICU lists for Chile, Easter Island too
const KAZAKHSTAN = '+77012345678'; // no column: every zone of Kazakhstan (all UTC+5)
const IN_CHILE = '+33612345670'; // a French number, column `CL`
const IN_ONTARIO = '+33612345671'; // column `ca-on`: Toronto and Winnipeg
const IN_NEW_SOUTH_WALES = '+33612345672'; // column `AU-NSW`
const IN_VIETNAM = '+33612345673'; // column `vn`
const IN_NEW_YORK = '+33612345674'; // column `US-NY`
const CSV = [
  'phone,name,timezone',
  `${CHILE},Santiago,`,
  `${KAZAKHSTAN},Almaty,`,
  `${IN_CHILE},Chile column,CL`,
  `${IN_ONTARIO},Ontario column,ca-on`,
  `${IN_NEW_SOUTH_WALES},NSW column,AU-NSW`,
  `${IN_VIETNAM},Vietnam column,vn`,
  `${IN_NEW_YORK},New York column,US-NY`,
  '+33612345675,Country name,Vietnam',
  '+33612345676,Unknown state,US-ZZ',
  '+33612345677,Legacy zone,EST',
  '',
].join('\n');

async function contactsByPhone(campaignId: string): Promise<Map<string, Contact>> {
  const page = await service.bus.request(campaignRpcs.listContacts, { campaignId, limit: 100 });
  return new Map(page.items.map((c) => [c.phone, c]));
}

/** Hours of compliance clock from now until the contact is due (the clock runs at real speed). */
const hoursUntilDue = (contact: Contact) => (Date.parse(contact.dueAt!) - Date.now()) / 3_600_000;

describe('zone columns given as countries and regions, and numbers of countries outside the table', () => {
  it('imports them, rejects what names no zone, and dials each contact only in hours valid in all its zones', async () => {
    const campaign = await createCampaign(service.bus, { callingHours: DAYTIME_PARIS });
    const status = await importContent(service.bus, campaign.id, CSV);

    // The import report: three rows rejected, each with its line and the typed code.
    expect(status).toMatchObject({ state: 'completed', rowsIn: 10, accepted: 7, rejected: 3 });
    const rejects = await service.bus.request(campaignRpcs.importRejects, { importId: status.importId });
    expect(rejects.items.map((r) => [r.line, r.code])).toEqual([
      [9, 'TIME_ZONE_INVALID'],
      [10, 'TIME_ZONE_INVALID'],
      [11, 'TIME_ZONE_INVALID'],
    ]);
    expect(rejects.items[0]!.reason).toContain('ISO country');

    // Codes are kept in upper case, as the dial-time check reads them.
    const before = await contactsByPhone(campaign.id);
    expect(before.get(IN_ONTARIO)!.timeZone).toBe('CA-ON');
    expect(before.get(IN_VIETNAM)!.timeZone).toBe('VN');
    expect(before.get(CHILE)!.timeZone).toBeNull();

    // Lease: only the contacts whose every zone is inside 08:00-21:00 now.
    const leased = await service.bus.request(campaignRpcs.leaseContacts, {
      campaignId: campaign.id,
      dialerId: 'd1',
      count: 20,
      leaseSeconds: 60,
    });
    expect(leased.contacts.map((c) => c.phone).sort()).toEqual([KAZAKHSTAN, IN_VIETNAM, IN_NEW_YORK].sort());

    // The others wait for the first instant all their zones allow.
    const after = await contactsByPhone(campaign.id);
    for (const [phone, hours] of [
      [CHILE, 1.5], // 08:00 on Easter Island: 14:00 UTC
      [IN_CHILE, 1.5],
      [IN_ONTARIO, 0.5], // 08:00 in Winnipeg: 13:00 UTC
      [IN_NEW_SOUTH_WALES, 10], // 08:00 in Broken Hill (UTC+9:30): 22:30 UTC, half an hour after Sydney
    ] as const) {
      const contact = after.get(phone)!;
      expect([phone, contact.status]).toEqual([phone, 'pending']);
      const due = hoursUntilDue(contact);
      expect([phone, due > hours - 0.05 && due <= hours]).toEqual([phone, true]);
    }
    const chileAudit = await service.bus.request(complianceRpcs.listDialAudit, {
      contactId: after.get(CHILE)!.id,
    });
    const chileHours = chileAudit.items[0]!.checks.find((c) => c.rule === 'callingHours')!;
    expect(chileHours.inputs).toMatchObject({ zoneSource: 'country', country: 'CL', ambiguous: true });
    expect(chileHours.inputs['zones']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ zone: 'America/Santiago', allowed: true }),
        expect.objectContaining({ zone: 'Pacific/Easter', allowed: false }),
      ]),
    );

    // The dialer's clear-to-dial reads the same column at the moment of dialing.
    const newYork = leased.contacts.find((c) => c.phone === IN_NEW_YORK)!;
    const cleared = await service.bus.request(complianceRpcs.clearToDial, {
      attemptId: newYork.attemptId,
      dialerId: 'd1',
    });
    expect(cleared).toMatchObject({ allowed: true });
    const dialAudit = await service.bus.request(complianceRpcs.listDialAudit, { contactId: newYork.id });
    const dialHours = dialAudit.items
      .find((a) => a.stage === 'dial')!
      .checks.find((c) => c.rule === 'callingHours')!;
    expect(dialHours.inputs).toMatchObject({
      zoneSource: 'contact',
      zones: [
        expect.objectContaining({ zone: 'America/New_York', local: expect.stringContaining('mon 08:3') }),
      ],
    });
  });
});
