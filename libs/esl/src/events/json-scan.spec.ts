import fc from 'fast-check';
import { NOT_A_STRING, scanJsonString } from './json-scan';

/** What JSON.parse would give for a top-level string value (the reference). */
function reference(text: string, key: string): string | undefined | typeof NOT_A_STRING {
  const v = (JSON.parse(text) as Record<string, unknown>)[key];
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : NOT_A_STRING;
}

const keyArb = fc.constantFrom('Event-Name', 'Unique-ID', 'Hangup-Cause', 'variable_x', '_body', 'A');
const valueArb = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('\\', '"', '\\"', '","Unique-ID":"evil', '{"Unique-ID":"x"}', 'a\nb', 'ü€😀'),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.integer(),
);

describe('scanJsonString', () => {
  it('agrees with JSON.parse on flat objects with hostile values and escapes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(keyArb, valueArb), { maxLength: 8 }), keyArb, (pairs, key) => {
        const unique = [...new Map(pairs).entries()];
        const text = `{${unique.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
        const got = scanJsonString(text, key);
        const want = reference(text, key);
        if (got === NOT_A_STRING) return want === NOT_A_STRING || typeof want === 'string';
        return got === want;
      }),
      { numRuns: 1000 },
    );
  });

  it('finds a key hidden only inside a value nowhere', () => {
    const text = JSON.stringify({ note: '","Unique-ID":"evil', 'Event-Name': 'X' });
    expect(scanJsonString(text, 'Unique-ID')).toBeUndefined();
    expect(scanJsonString(text, 'note')).toBe('","Unique-ID":"evil');
  });

  it('reads a key FreeSWITCH sends twice (Hangup-Cause, same value both times)', () => {
    expect(scanJsonString('{"Hangup-Cause":"A","x":"1","Hangup-Cause":"A"}', 'Hangup-Cause')).toBe('A');
  });
});
