import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export type PhoneNormalization =
  { ok: true; e164: string } | { ok: false; code: 'PHONE_MISSING' | 'PHONE_INVALID'; reason: string };

/**
 * What a phone cell may hold: digits with the usual separators, a leading `+` or `00`
 * for international numbers, and an optional extension (ignored by the dialer). Anything
 * else (letters, `=`, `@`, a leading `-`) is refused: libphonenumber would happily dig a
 * number out of `=HYPERLINK("+84961166133")`.
 */
const PHONE_CELL = /^(\+|\(|\d)[\d\s().\-/]*((ext\.?|x|#)\s*\d{1,6})?$/i;

/**
 * Normalises a number to E.164 with the full metadata of libphonenumber-js, reading
 * national numbers with `region` (`0961 166 133` in VN -> `+84961166133`).
 */
export function normalizePhone(raw: unknown, region: string): PhoneNormalization {
  const text = raw === null || raw === undefined ? '' : String(raw).trim();
  if (text === '') return { ok: false, code: 'PHONE_MISSING', reason: 'the phone number is empty' };
  if (text.length > 40 || !PHONE_CELL.test(text)) {
    return {
      ok: false,
      code: 'PHONE_INVALID',
      reason: 'the phone number holds characters a number cannot have',
    };
  }
  const digits = text.replace(/\D/g, '');
  const international = text.startsWith('00') ? `+${text.slice(2)}` : text;
  const parsed = parsePhoneNumberFromString(international, region as CountryCode);
  if (!parsed) {
    return { ok: false, code: 'PHONE_INVALID', reason: `not a phone number (${digits.length} digits)` };
  }
  if (!parsed.isValid()) {
    return {
      ok: false,
      code: 'PHONE_INVALID',
      reason: `not a valid number for ${parsed.country ?? (parsed.countryCallingCode ? `+${parsed.countryCallingCode}` : region)}`,
    };
  }
  return { ok: true, e164: parsed.number };
}

/** A region whose numbering plan libphonenumber knows. */
export function isKnownRegion(region: string): boolean {
  return isSupportedCountry(region);
}
