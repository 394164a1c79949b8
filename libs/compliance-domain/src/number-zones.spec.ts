import { contactZones } from './number-zones';

const CAMPAIGN = 'Europe/Paris';

describe('contactZones', () => {
  it.each([
    // phone, explicit column, zones, source, ambiguous
    ['+84961166133', null, ['Asia/Ho_Chi_Minh'], 'country', false],
    ['+33612345678', null, ['Europe/Paris'], 'country', false],
    ['+12125551234', null, ['America/New_York'], 'region', false],
    ['+13105551234', null, ['America/Los_Angeles'], 'region', false],
    ['+18085551234', null, ['Pacific/Honolulu'], 'region', false],
    ['+18505551234', null, ['America/New_York', 'America/Chicago'], 'region', true],
    ['+61881234567', null, ['Australia/Adelaide', 'Australia/Darwin', 'Australia/Perth'], 'region', true],
    ['+61291234567', null, ['Australia/Sydney'], 'region', false],
    ['+74951234567', null, ['Europe/Moscow'], 'region', false],
    ['+5511987654321', null, ['America/Sao_Paulo'], 'region', false],
    ['+6221123456', null, ['Asia/Jakarta'], 'region', false],
    ['+525512345678', null, ['America/Mexico_City'], 'region', false],
    // explicit columns win over the number
    ['+84961166133', 'Asia/Tokyo', ['Asia/Tokyo'], 'contact', false],
    ['+12015550123', 'America/Denver', ['America/Denver'], 'contact', false],
    ['+84961166133', 'JP', ['Asia/Tokyo'], 'contact', false],
    // an explicit value that is not a zone or a known country is ignored
    ['+84961166133', 'Not/AZone', ['Asia/Ho_Chi_Minh'], 'country', false],
    ['+84961166133', 'ZZ', ['Asia/Ho_Chi_Minh'], 'country', false],
  ])('%s (column %s) -> %j from %s', (phone, explicit, zones, source, ambiguous) => {
    const result = contactZones({ phone, explicit, campaignZone: CAMPAIGN });
    expect(result.zones).toEqual(zones);
    expect(result.source).toBe(source);
    expect(result.ambiguous).toBe(ambiguous);
  });

  it('a US number whose area code the table does not pin may be in any US zone', () => {
    const result = contactZones({ phone: '+12015550123', campaignZone: CAMPAIGN });
    expect(result).toMatchObject({ source: 'country', country: 'US', ambiguous: true });
    expect(result.zones).toContain('America/New_York');
    expect(result.zones).toContain('Pacific/Honolulu');
  });

  it('mobiles in Australia, Russia and Indonesia do not tell their region', () => {
    expect(contactZones({ phone: '+61412345678', campaignZone: CAMPAIGN }).zones).toHaveLength(5);
    expect(contactZones({ phone: '+79161234567', campaignZone: CAMPAIGN }).zones.length).toBeGreaterThan(10);
    expect(contactZones({ phone: '+6281234567890', campaignZone: CAMPAIGN }).zones).toEqual([
      'Asia/Jakarta',
      'Asia/Makassar',
      'Asia/Jayapura',
    ]);
  });

  it('a country the table does not know falls back to the campaign zone', () => {
    // Iceland (+354) is not in the table.
    expect(contactZones({ phone: '+3545551234', campaignZone: CAMPAIGN })).toMatchObject({
      zones: [CAMPAIGN],
      source: 'campaign',
    });
  });

  it('the campaign policy ignores the contact and the number', () => {
    expect(
      contactZones({
        phone: '+84961166133',
        explicit: 'Asia/Tokyo',
        campaignZone: CAMPAIGN,
        policy: 'campaign',
      }),
    ).toMatchObject({ zones: [CAMPAIGN], source: 'campaign' });
  });

  it('every zone of the tables is one ICU knows', () => {
    const { COUNTRY_ZONES, REGION_PREFIX_ZONES } = jest.requireActual('./number-zones');
    const all = new Set<string>([
      ...Object.values(COUNTRY_ZONES as Record<string, string[]>).flat(),
      ...Object.values(REGION_PREFIX_ZONES as Record<string, Record<string, string[]>>).flatMap((m) =>
        Object.values(m).flat(),
      ),
    ]);
    for (const zone of all) expect(() => new Intl.DateTimeFormat('en', { timeZone: zone })).not.toThrow();
  });
});
