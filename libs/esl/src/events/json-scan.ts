/** The key exists but its value is not a plain string (array, number, ...): parse in full. */
export const NOT_A_STRING = Symbol('not-a-string');

/**
 * Reads one top-level string value out of a flat JSON object (FreeSWITCH's `event json`
 * body) without parsing the whole 2-12 KB object, which is most of the cost of an event.
 *
 * Exact for such bodies: inside a JSON string every `"` is escaped, so `,"Key":` (or
 * `{"Key":` at the start) with a bare quote after the comma can only be a real key. The
 * first occurrence is taken (a forward search is ~3x faster than lastIndexOf in V8); the
 * only duplicate FreeSWITCH emits, Hangup-Cause on HANGUP_COMPLETE, repeats the same value.
 * Values with escapes are decoded by JSON.parse of that one literal. Anything unusual
 * (whitespace, arrays, numbers) returns NOT_A_STRING so the caller falls back to a full
 * parse.
 */
export function scanJsonString(text: string, key: string): string | undefined | typeof NOT_A_STRING {
  const needle = `"${key}":`;
  let at = text.indexOf(needle);
  while (at > 0) {
    const before = text.charCodeAt(at - 1);
    if (before === 44 /* , */ || before === 123 /* { */) break;
    at = text.indexOf(needle, at + 1);
  }
  if (at <= 0) return undefined;
  const open = at + needle.length;
  if (text.charCodeAt(open) !== 34 /* " */) return NOT_A_STRING;
  let end = text.indexOf('"', open + 1);
  for (;;) {
    if (end < 0) return NOT_A_STRING;
    let slashes = 0;
    for (let i = end - 1; i > open && text.charCodeAt(i) === 92 /* \ */; i--) slashes++;
    if (slashes % 2 === 0) break; // an unescaped quote closes the string
    end = text.indexOf('"', end + 1);
  }
  const slash = text.indexOf('\\', open + 1);
  if (slash < 0 || slash > end) return text.slice(open + 1, end);
  try {
    return JSON.parse(text.slice(open, end + 1)) as string;
  } catch {
    return NOT_A_STRING;
  }
}
