/**
 * Phone-number masking for anything that leaves the process as text (logs, span events,
 * error messages). The rule is deliberately broad, because a leaked number is a compliance
 * incident while an over-masked digit run only costs a little readability:
 *
 * - A candidate is a run of digits, optionally led by `+`, whose groups are joined by at most
 *   one separator each (space, no-break space, `.`, `-`) or wrapped in parentheses:
 *   `+84961166133`, `0961 166 133`, `0961-166-133`, `0961.166.133`, `(028) 3822 1234`,
 *   `+1 (555) 123-4567`. It must not be glued to a letter or digit on either side, so ids
 *   such as trace ids (`4bf92f3577b34da6...`) and `1234567ms` are left alone.
 * - A candidate with at least {@link MIN_PHONE_DIGITS} digits is masked: every digit except
 *   the last {@link KEPT_DIGITS} becomes `*`; every other character stays in place, so the
 *   masked text has the same length and shape (`+84 961 166 133` -> `+** *** *** 133`).
 * - Tokens that look numeric but are not phone numbers are matched first and kept:
 *   UUIDs, ISO dates and timestamps, dotted and compact dates (`2026.11.23`, `23-11-2026`,
 *   `20261123`), IPv4 addresses with an optional port, and decimals (`0.0312345678`).
 *   Version strings need no rule: a semver has fewer than 7 digits or a `v` glued before.
 *
 * Known false positives, accepted on purpose: epoch timestamps and other 7+ digit ids
 * written as strings, and neighbouring numbers joined by a single space or dash.
 */

/** Digits a run needs before it counts as a phone number. */
export const MIN_PHONE_DIGITS = 7;
/** Trailing digits left readable, enough to tell two numbers apart in a support case. */
export const KEPT_DIGITS = 3;

const NOT_AFTER_WORD = String.raw`(?<![\p{L}\p{N}])`;
const NOT_BEFORE_WORD = String.raw`(?![\p{L}\p{N}])`;
// A protected numeric token must end where the number ends, not inside a longer run.
const NUMBER_ENDS = String.raw`(?!\p{N}|[.\-]\p{N})`;

const HEX = '[0-9a-fA-F]';
const UUID = `${HEX}{8}-${HEX}{4}-${HEX}{4}-${HEX}{4}-${HEX}{12}`;
const YEAR = String.raw`(?:19|20)\d{2}`;
const MONTH = String.raw`(?:0[1-9]|1[0-2])`;
const DAY = String.raw`(?:0[1-9]|[12]\d|3[01])`;
const TIME = String.raw`[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?`;
const DATES = [
  `${YEAR}-${MONTH}-${DAY}(?:${TIME})?`,
  String.raw`${YEAR}\.${MONTH}\.${DAY}`,
  `${DAY}-${MONTH}-${YEAR}`,
  String.raw`${DAY}\.${MONTH}\.${YEAR}`,
  `${YEAR}${MONTH}${DAY}`,
].join('|');
const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const IPV4 = String.raw`${OCTET}(?:\.${OCTET}){3}(?::\d{1,5})?`;
// Cloud host names spell the address with dashes (`ip-10-0-12-345.ec2.internal`).
const DASHED_IP_HOST = String.raw`ip-${OCTET}(?:-${OCTET}){3}`;
const DECIMAL = String.raw`(?<![\p{N}.])\d+\.\d+(?![.\p{N}])`;

const SEP = String.raw`[ .\-\u00A0]`;
const AREA = String.raw`\(\+?\d{1,5}\)`;
// Each group after the first needs a separator, or follows a parenthesised area code, so the
// repetition cannot split one digit run in several ways (no catastrophic backtracking).
const PHONE = String.raw`\+?(?:${AREA}|\d+)(?:${SEP}?${AREA}|${SEP}\d+|(?<=\))${SEP}?\d+)*`;

const PROTECTED = `${NOT_AFTER_WORD}(?:${UUID}|(?:${DATES}|${IPV4}|${DASHED_IP_HOST})${NUMBER_ENDS})${NOT_BEFORE_WORD}|${DECIMAL}`;
const CANDIDATES = new RegExp(`${PROTECTED}|${NOT_AFTER_WORD}(${PHONE})${NOT_BEFORE_WORD}`, 'gu');

function maskDigits(candidate: string, digitCount: number): string {
  let toMask = digitCount - KEPT_DIGITS;
  let out = '';
  for (const ch of candidate) {
    if (toMask > 0 && ch >= '0' && ch <= '9') {
      out += '*';
      toMask--;
    } else {
      out += ch;
    }
  }
  return out;
}

const UUID_ONLY = new RegExp(`^${UUID}$`);

/**
 * Cheap pre-scan: true when `text` holds 7 digits in a row with at most two separator
 * characters (space, `.`, `-`, `(`, `)`, `+`, no-break space) between neighbours, which
 * every phone-number candidate does. Ids, IP:port pairs, timestamps and most messages fail
 * it and never pay for the full regex.
 */
function mayHoldPhoneNumber(text: string): boolean {
  let digits = 0;
  let gap = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits >= MIN_PHONE_DIGITS) return true;
      gap = 0;
    } else if (c === 32 || c === 46 || c === 45 || c === 40 || c === 41 || c === 43 || c === 0xa0) {
      if (++gap > 2) digits = 0;
    } else {
      digits = 0;
      gap = 0;
    }
  }
  return false;
}

function countDigits(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) count++;
  }
  return count;
}

function replaceCandidate(match: string, phone: string | undefined): string {
  if (phone === undefined) return match;
  const digits = countDigits(phone);
  return digits < MIN_PHONE_DIGITS ? match : maskDigits(phone, digits);
}

/**
 * Returns `text` with every phone-number-like run masked (see the module comment for the
 * exact rule). Pure and allocation-free when the text cannot hold a phone number.
 */
export function maskPhoneNumbers(text: string): string {
  // Hot path: most log strings (messages, ids, addresses) never reach the regex.
  if (!mayHoldPhoneNumber(text) || (text.length === 36 && UUID_ONLY.test(text))) return text;
  CANDIDATES.lastIndex = 0;
  return text.replace(CANDIDATES, replaceCandidate);
}

/** True when {@link maskPhoneNumbers} would change `text`. */
export function containsPhoneNumber(text: string): boolean {
  return maskPhoneNumbers(text) !== text;
}
