import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { isTimeZone } from './local-time';
import { SUBDIVISION_ZONES } from './number-zones.subdivisions';

/**
 * Which time zones a phone number may be in, from its country (libphonenumber-js) and,
 * for countries spanning several zones, the region its numbering plan tells (a US area
 * code, a Brazilian DDD, an Australian or Russian trunk code). Where the plan does not
 * tell (mobiles in AU, RU, ID; an area code not in the table) every zone of the country
 * is a candidate, and the caller dials only in hours valid in all of them.
 *
 * `COUNTRY_ZONES` and `REGION_PREFIX_ZONES` are deliberately small and documented (README):
 * the countries a campaign here is likely to dial, and the prefixes that narrow them. Any
 * other country gets every zone ICU lists for it (`countryZones`), so a multi-zone country
 * (KZ, CL with Easter Island, EC with the Galapagos) is dialed only in hours valid in all of
 * them. Only a number whose country is unknown (or one ICU lists no zone for) is checked in
 * the campaign's zone (source `campaign`).
 */

/** Every zone a country's numbers may be in; one entry: a single-zone country. */
export const COUNTRY_ZONES: Readonly<Record<string, readonly string[]>> = {
  VN: ['Asia/Ho_Chi_Minh'],
  TH: ['Asia/Bangkok'],
  KH: ['Asia/Phnom_Penh'],
  LA: ['Asia/Vientiane'],
  PH: ['Asia/Manila'],
  MY: ['Asia/Kuala_Lumpur'],
  SG: ['Asia/Singapore'],
  CN: ['Asia/Shanghai'],
  HK: ['Asia/Hong_Kong'],
  TW: ['Asia/Taipei'],
  JP: ['Asia/Tokyo'],
  KR: ['Asia/Seoul'],
  IN: ['Asia/Kolkata'],
  AE: ['Asia/Dubai'],
  SA: ['Asia/Riyadh'],
  TR: ['Europe/Istanbul'],
  GB: ['Europe/London'],
  IE: ['Europe/Dublin'],
  FR: ['Europe/Paris'],
  DE: ['Europe/Berlin'],
  IT: ['Europe/Rome'],
  NL: ['Europe/Amsterdam'],
  BE: ['Europe/Brussels'],
  PL: ['Europe/Warsaw'],
  ES: ['Europe/Madrid', 'Atlantic/Canary'],
  PT: ['Europe/Lisbon', 'Atlantic/Azores'],
  ZA: ['Africa/Johannesburg'],
  EG: ['Africa/Cairo'],
  NG: ['Africa/Lagos'],
  KE: ['Africa/Nairobi'],
  NZ: ['Pacific/Auckland'],
  AR: ['America/Argentina/Buenos_Aires'],
  CO: ['America/Bogota'],
  PE: ['America/Lima'],
  US: [
    'America/New_York',
    'America/Chicago',
    'America/Denver',
    'America/Phoenix',
    'America/Los_Angeles',
    'America/Anchorage',
    'Pacific/Honolulu',
  ],
  CA: [
    'America/St_Johns',
    'America/Halifax',
    'America/Toronto',
    'America/Winnipeg',
    'America/Regina',
    'America/Edmonton',
    'America/Vancouver',
  ],
  MX: ['America/Mexico_City', 'America/Cancun', 'America/Chihuahua', 'America/Hermosillo', 'America/Tijuana'],
  BR: ['America/Sao_Paulo', 'America/Manaus', 'America/Cuiaba', 'America/Rio_Branco', 'America/Noronha'],
  AU: ['Australia/Sydney', 'Australia/Brisbane', 'Australia/Adelaide', 'Australia/Darwin', 'Australia/Perth'],
  RU: [
    'Europe/Kaliningrad',
    'Europe/Moscow',
    'Europe/Samara',
    'Asia/Yekaterinburg',
    'Asia/Omsk',
    'Asia/Novosibirsk',
    'Asia/Krasnoyarsk',
    'Asia/Irkutsk',
    'Asia/Yakutsk',
    'Asia/Vladivostok',
    'Asia/Magadan',
    'Asia/Kamchatka',
  ],
  ID: ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'],
};

/**
 * National-number prefixes that pin a zone (longest prefix wins). A prefix listing two
 * zones is an area that straddles a boundary (US 850: Florida's panhandle).
 */
export const REGION_PREFIX_ZONES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  US: {
    '212': ['America/New_York'],
    '305': ['America/New_York'],
    '404': ['America/New_York'],
    '617': ['America/New_York'],
    '718': ['America/New_York'],
    '850': ['America/New_York', 'America/Chicago'],
    '214': ['America/Chicago'],
    '312': ['America/Chicago'],
    '713': ['America/Chicago'],
    '303': ['America/Denver'],
    '602': ['America/Phoenix'],
    '206': ['America/Los_Angeles'],
    '213': ['America/Los_Angeles'],
    '310': ['America/Los_Angeles'],
    '415': ['America/Los_Angeles'],
    '702': ['America/Los_Angeles'],
    '907': ['America/Anchorage'],
    '808': ['Pacific/Honolulu'],
  },
  CA: {
    '416': ['America/Toronto'],
    '514': ['America/Toronto'],
    '613': ['America/Toronto'],
    '902': ['America/Halifax'],
    '709': ['America/St_Johns'],
    '204': ['America/Winnipeg'],
    '306': ['America/Regina'],
    '403': ['America/Edmonton'],
    '780': ['America/Edmonton'],
    '604': ['America/Vancouver'],
  },
  MX: {
    '55': ['America/Mexico_City'],
    '33': ['America/Mexico_City'],
    '81': ['America/Mexico_City'],
    '998': ['America/Cancun'],
    '614': ['America/Chihuahua'],
    '662': ['America/Hermosillo'],
    '664': ['America/Tijuana'],
  },
  BR: {
    '1': ['America/Sao_Paulo'],
    '2': ['America/Sao_Paulo'],
    '3': ['America/Sao_Paulo'],
    '4': ['America/Sao_Paulo'],
    '5': ['America/Sao_Paulo'],
    '61': ['America/Sao_Paulo'],
    '62': ['America/Sao_Paulo'],
    '65': ['America/Cuiaba'],
    '66': ['America/Cuiaba'],
    '67': ['America/Cuiaba'],
    '68': ['America/Rio_Branco'],
    '69': ['America/Manaus'],
    '7': ['America/Sao_Paulo'],
    '8': ['America/Sao_Paulo'],
    '91': ['America/Sao_Paulo'],
    '92': ['America/Manaus'],
    '97': ['America/Manaus'],
    '95': ['America/Manaus'],
  },
  AU: {
    '2': ['Australia/Sydney'],
    '3': ['Australia/Sydney'],
    '7': ['Australia/Brisbane'],
    '8': ['Australia/Adelaide', 'Australia/Darwin', 'Australia/Perth'],
  },
  RU: {
    '495': ['Europe/Moscow'],
    '499': ['Europe/Moscow'],
    '812': ['Europe/Moscow'],
    '4012': ['Europe/Kaliningrad'],
    '343': ['Asia/Yekaterinburg'],
    '383': ['Asia/Novosibirsk'],
    '391': ['Asia/Krasnoyarsk'],
    '423': ['Asia/Vladivostok'],
  },
  ID: {
    '21': ['Asia/Jakarta'],
    '22': ['Asia/Jakarta'],
    '31': ['Asia/Jakarta'],
    '61': ['Asia/Jakarta'],
    '361': ['Asia/Makassar'],
    '411': ['Asia/Makassar'],
    '967': ['Asia/Jayapura'],
  },
};

/** `Intl.Locale#getTimeZones()` (newer engines) or the `timeZones` getter (Node 20's V8). */
interface LocaleWithZones {
  getTimeZones?: () => string[] | undefined;
  timeZones?: string[];
}

const icuCountryZones = new Map<string, readonly string[] | null>();

/**
 * Every zone a country's numbers may be in: `COUNTRY_ZONES` when the table lists the country,
 * else the zones ICU lists for the region (`Intl.Locale('und-KZ')`), cached. Null when the
 * code is not an ISO 3166-1 alpha-2 country ICU knows zones for (`ZZ`, `EU`, `XK`).
 */
export function countryZones(country: string): readonly string[] | null {
  // UK is not ISO 3166-1, but it is what people write for GB (ISO reserves it for that).
  const code = country === 'UK' ? 'GB' : country;
  const listed = COUNTRY_ZONES[code];
  if (listed) return listed;
  if (!/^[A-Z]{2}$/.test(code)) return null;
  let zones = icuCountryZones.get(code);
  if (zones === undefined) {
    zones = null;
    try {
      const locale = new Intl.Locale(`und-${code}`) as Intl.Locale & LocaleWithZones;
      // A deprecated code ICU maps to another (SU -> RU) is not a country here.
      if (locale.region === code) {
        const known = (locale.getTimeZones?.() ?? locale.timeZones ?? []).filter(isTimeZone);
        if (known.length > 0) zones = known;
      }
    } catch {
      zones = null;
    }
    icuCountryZones.set(code, zones);
  }
  return zones;
}

export type ZoneColumnKind = 'timeZone' | 'country' | 'subdivision';

/** A contact's explicit zone column, read: what to store, and the zones it means. */
export interface ZoneColumn {
  /** The value to keep: the zone as given, or the code in upper case (`vn` -> `VN`, `UK` -> `GB`). */
  value: string;
  kind: ZoneColumnKind;
  zones: readonly string[];
}

/**
 * Reads a contact's zone column: an ISO 3166-1 country (`VN`, `KZ`: that country's zones),
 * an ISO 3166-2 subdivision in `SUBDIVISION_ZONES` (`US-CA`, `CA-ON`, `AU-NSW`), or an IANA
 * area/location zone ICU knows (`Asia/Tokyo`, `UTC`). Codes are read case-insensitively. Null
 * for anything else (`Vietnam`, `US-XX`, `Mars/Olympus`, `EST`).
 */
export function readZoneColumn(raw: string): ZoneColumn | null {
  const cell = raw.trim();
  if (cell === '') return null;
  if (/^[A-Za-z]{2}$/.test(cell)) {
    const code = cell.toUpperCase();
    const zones = countryZones(code);
    if (zones) return { value: code === 'UK' ? 'GB' : code, kind: 'country', zones };
  }
  if (/^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$/.test(cell)) {
    const code = cell.toUpperCase();
    const zones = SUBDIVISION_ZONES[code];
    if (zones) return { value: code, kind: 'subdivision', zones };
  }
  // An area/location name (`Asia/Tokyo`, `US/Eastern`) or UTC. Bare legacy names are refused:
  // `EST` is UTC-5 all year, an hour off New York all summer.
  if ((cell.includes('/') || cell === 'UTC') && isTimeZone(cell))
    return { value: cell, kind: 'timeZone', zones: [cell] };
  return null;
}

export type ZoneSource = 'contact' | 'region' | 'country' | 'campaign';

export interface ContactZones {
  /** Every zone the contact may be in (at least one). */
  zones: string[];
  /** Where they came from: the contact's own column, the numbering plan's region, the country, or the campaign. */
  source: ZoneSource;
  /** ISO country of the number, when libphonenumber knows it. */
  country: string | null;
  /** More than one zone: hours must hold in every one of them. */
  ambiguous: boolean;
}

export interface ContactZoneInput {
  /** E.164. */
  phone: string;
  /** The contact's explicit zone column (see `readZoneColumn`): an IANA zone, an ISO country or an ISO subdivision. */
  explicit?: string | null;
  /** The campaign's zone, used when nothing else tells. */
  campaignZone: string;
  /** `campaign`: the campaign's zone always (the campaign's time-zone policy). */
  policy?: 'contact' | 'campaign';
}

/** The zones a contact's calling hours are checked in. */
export function contactZones(input: ContactZoneInput): ContactZones {
  const parsed = parsePhoneNumberFromString(input.phone);
  const country = parsed?.country ?? null;
  const result = (zones: readonly string[], source: ZoneSource): ContactZones => ({
    zones: [...zones],
    source,
    country,
    ambiguous: zones.length > 1,
  });
  if (input.policy === 'campaign') return result([input.campaignZone], 'campaign');
  const explicit = input.explicit ? readZoneColumn(input.explicit) : null;
  // A value the import would have refused (stored before it checked) is ignored.
  if (explicit) return result(explicit.zones, 'contact');
  const all = country ? countryZones(country) : null;
  if (all) {
    if (all.length === 1) return result(all, 'country');
    const byPrefix = REGION_PREFIX_ZONES[country!];
    const national = parsed!.nationalNumber;
    if (byPrefix) {
      for (let len = Math.min(5, national.length); len >= 1; len--) {
        const zones = byPrefix[national.slice(0, len)];
        if (zones) return result(zones, 'region');
      }
    }
    return result(all, 'country');
  }
  return result([input.campaignZone], 'campaign');
}
