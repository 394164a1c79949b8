import { readJsonRecords } from './json-records';

describe('readJsonRecords', () => {
  it('reads the objects of an array with their starting lines', () => {
    const text =
      '[\n  {"phone": "0961166133", "note": "a } in a string"},\n  {"phone": "x",\n   "n": {"deep": [1]}}\n]\n';
    const read = readJsonRecords(text, 1, 'start', true);
    expect(read.records.map((r) => [r.line, JSON.parse(r.text).phone])).toEqual([
      [2, '0961166133'],
      [3, 'x'],
    ]);
    expect(read.problems).toEqual([]);
    expect(read.phase).toBe('end');
  });

  it('reads NDJSON', () => {
    const read = readJsonRecords('{"p":1}\n{"p":2}\n\n{"p":3}', 1, 'start', true);
    expect(read.records.map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('reports elements that are not objects, and text after the array', () => {
    const read = readJsonRecords('[{"p":1}, 42, "s", [1,2], null]\nextra', 1, 'start', true);
    expect(read.records).toHaveLength(1);
    expect(read.problems.map((p) => [p.code, p.text])).toEqual([
      ['NOT_AN_OBJECT', '42'],
      ['NOT_AN_OBJECT', '"s"'],
      ['NOT_AN_OBJECT', '[1,2]'],
      ['NOT_AN_OBJECT', 'null'],
      ['MALFORMED_ROW', 'extra'],
    ]);
  });

  it('carries an object cut in two to the next piece, strings with escaped quotes included', () => {
    const first = readJsonRecords('[{"p":"a\\"}', 1, 'start', false);
    expect(first.records).toEqual([]);
    expect(first.rest).toBe('{"p":"a\\"}');
    const second = readJsonRecords(`${first.rest}"}]`, first.restLine, first.phase, true);
    expect(second.records.map((r) => JSON.parse(r.text))).toEqual([{ p: 'a"}' }]);
  });

  it('ends an object at a closer of the wrong kind, so the broken object alone fails to parse', () => {
    const read = readJsonRecords('[\n{"p": "1",\n{"p": "2"}\n, {"p": "3"}]', 1, 'start', true);
    // The missing } swallows what follows up to the array's ], which still closes the array.
    expect(read.records.map((r) => r.line)).toEqual([2]);
    expect(() => JSON.parse(read.records[0]!.text)).toThrow();
    expect(read.phase).toBe('end');
  });

  it('rejects an unterminated string at its line and reads on', () => {
    const read = readJsonRecords('{"p": "1}\n{"p": "2"}\n', 1, 'start', true);
    expect(read.problems).toMatchObject([{ line: 1, code: 'MALFORMED_ROW' }]);
  });
});
