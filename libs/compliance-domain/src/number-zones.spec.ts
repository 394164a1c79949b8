import { evaluateCallingHours, type CallingWindow } from './calling-hours';
import { contactZones, countryZones, readZoneColumn } from './number-zones';
import { SUBDIVISION_ZONES } from './number-zones.subdivisions';

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

  // Countries outside COUNTRY_ZONES get every zone ICU lists for them; only an unknown
  // country falls back to the campaign's zone.
  it.each([
    // phone, what it is, zones that must be there, how many at least (ICU versions add zones), source
    ['+77012345678', 'KZ mobile', ['Asia/Almaty', 'Asia/Oral'], 2, 'country'],
    [
      '+56221234567',
      'CL, Santiago landline',
      ['America/Santiago', 'America/Punta_Arenas', 'Pacific/Easter'],
      3,
      'country',
    ],
    ['+59322123456', 'EC, Quito landline', ['America/Guayaquil', 'Pacific/Galapagos'], 2, 'country'],
    ['+97699112233', 'MN', ['Asia/Ulaanbaatar', 'Asia/Hovd'], 2, 'country'],
    ['+3545551234', 'IS, one zone', ['Atlantic/Reykjavik'], 1, 'country'],
    ['+38344123456', 'XK: ICU lists no zone', [CAMPAIGN], 1, 'campaign'],
    ['+80012345678', 'international freephone: no country', [CAMPAIGN], 1, 'campaign'],
    ['not a number', 'unreadable', [CAMPAIGN], 1, 'campaign'],
  ])('%s (%s) -> %j of %i from %s', (phone, _what, expected, count, source) => {
    const result = contactZones({ phone, campaignZone: CAMPAIGN });
    expect(result.zones).toEqual(expect.arrayContaining(expected));
    if (count === 1) expect(result.zones).toHaveLength(1);
    else expect(result.zones.length).toBeGreaterThanOrEqual(count);
    expect(result).toMatchObject({ source, ambiguous: count > 1 });
  });

  it('a Chilean number is not dialed while Easter Island is before its hours', () => {
    const zones = contactZones({ phone: '+56221234567', campaignZone: 'America/Santiago' }).zones;
    const windows: CallingWindow[] = [
      { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', end: '21:00' },
    ];
    // Thursday 15 January 2026, 12:00 UTC: 09:00 in Santiago (UTC-3), 07:00 on Easter Island (UTC-5).
    const at = Date.parse('2026-01-15T12:00:00Z');
    const verdict = evaluateCallingHours({ windows, zones, at });
    expect(verdict.allowed).toBe(false);
    expect(verdict.zones.find((z) => z.zone === 'Pacific/Easter')).toMatchObject({ allowed: false });
    expect(verdict.zones.find((z) => z.zone === 'America/Santiago')).toMatchObject({ allowed: true });
    // 08:00 on Easter Island.
    expect(verdict.nextAllowedAt).toBe(Date.parse('2026-01-15T13:00:00Z'));
  });

  it.each([
    // explicit column of a Vietnamese number -> zones, ambiguous
    ['EC', 2, true],
    ['US-TX', 2, true],
    ['ca-on', 2, true],
    ['AU-QLD', 1, false],
    ['UK', 1, false],
  ])('an explicit %s column gives %i zone(s) from the contact', (explicit, count, ambiguous) => {
    const result = contactZones({ phone: '+84961166133', explicit, campaignZone: CAMPAIGN });
    expect(result).toMatchObject({ source: 'contact', country: 'VN', ambiguous });
    expect(result.zones).toHaveLength(count);
  });

  it('an explicit bare legacy zone (EST: no daylight time) is ignored for the number', () => {
    expect(contactZones({ phone: '+12125551234', explicit: 'EST', campaignZone: CAMPAIGN })).toMatchObject({
      zones: ['America/New_York'],
      source: 'region',
    });
  });

  it('every zone of the tables is one ICU knows', () => {
    const { COUNTRY_ZONES, REGION_PREFIX_ZONES } = jest.requireActual('./number-zones');
    const all = new Set<string>([
      ...Object.values(COUNTRY_ZONES as Record<string, string[]>).flat(),
      ...Object.values(REGION_PREFIX_ZONES as Record<string, Record<string, string[]>>).flatMap((m) =>
        Object.values(m).flat(),
      ),
      ...Object.values(SUBDIVISION_ZONES).flat(),
    ]);
    for (const zone of all) expect(() => new Intl.DateTimeFormat('en', { timeZone: zone })).not.toThrow();
  });
});

describe('readZoneColumn', () => {
  it.each([
    // cell, stored value, kind, zones (exactly, or null: the count below)
    ['VN', 'VN', 'country', ['Asia/Ho_Chi_Minh']],
    [' vn ', 'VN', 'country', ['Asia/Ho_Chi_Minh']],
    ['UK', 'GB', 'country', ['Europe/London']],
    ['IS', 'IS', 'country', ['Atlantic/Reykjavik']],
    ['EC', 'EC', 'country', ['America/Guayaquil', 'Pacific/Galapagos']],
    ['US-CA', 'US-CA', 'subdivision', ['America/Los_Angeles']],
    ['us-fl', 'US-FL', 'subdivision', ['America/New_York', 'America/Chicago']],
    ['CA-ON', 'CA-ON', 'subdivision', ['America/Toronto', 'America/Winnipeg']],
    ['AU-NSW', 'AU-NSW', 'subdivision', ['Australia/Sydney', 'Australia/Broken_Hill']],
    ['BR-AM', 'BR-AM', 'subdivision', ['America/Manaus', 'America/Eirunepe']],
    ['PT-20', 'PT-20', 'subdivision', ['Atlantic/Azores']],
    ['Asia/Tokyo', 'Asia/Tokyo', 'timeZone', ['Asia/Tokyo']],
    ['US/Eastern', 'US/Eastern', 'timeZone', ['US/Eastern']],
    ['UTC', 'UTC', 'timeZone', ['UTC']],
  ])('%j -> %s (%s) %j', (cell, value, kind, zones) => {
    expect(readZoneColumn(cell)).toEqual({ value, kind, zones });
  });

  it('KZ is every zone ICU lists for Kazakhstan', () => {
    const column = readZoneColumn('KZ');
    expect(column).toMatchObject({ value: 'KZ', kind: 'country' });
    expect(column!.zones).toEqual(expect.arrayContaining(['Asia/Almaty', 'Asia/Oral']));
  });

  it.each([
    'Vietnam', // a country name, not a code
    'ZZ', // unknown region
    'XK', // Kosovo: ICU lists no zone
    'EU', // not a country
    'SU', // deprecated: ICU maps it to RU
    'US-XX', // not a state
    'VN-HN', // a real subdivision, but of a one-zone country (use VN)
    'EST', // bare legacy zone, no daylight time
    'Japan', // bare legacy alias
    'Mars/Olympus',
    '',
    '   ',
  ])('%j is not a zone column', (cell) => {
    expect(readZoneColumn(cell)).toBeNull();
  });

  it('countryZones prefers the table (narrowed by hand) over ICU', () => {
    expect(countryZones('US')).toHaveLength(7);
    expect(countryZones('CN')).toEqual(['Asia/Shanghai']);
    expect(countryZones('kz')).toBeNull();
  });
});
