import fc from 'fast-check';
import { detectDelimiter, readCsvRecords } from './csv-records';

describe('readCsvRecords', () => {
  it('reads quoted fields, doubled quotes, CRLF and multi-line cells, with their starting lines', () => {
    const text = 'phone,note\r\n0961166133,"He said ""hi"""\r\n0961166134,"two\nlines"\n0961166135,plain\n';
    const read = readCsvRecords(text, 1, ',', true);
    expect(read.records).toEqual([
      { line: 1, cells: ['phone', 'note'] },
      { line: 2, cells: ['0961166133', 'He said "hi"'] },
      { line: 3, cells: ['0961166134', 'two\nlines'] },
      { line: 5, cells: ['0961166135', 'plain'] },
    ]);
    expect(read.rest).toBe('');
  });

  it('counts blank lines and all-empty rows apart from records', () => {
    const read = readCsvRecords('a,b\n\n,\n1,2\n   \n', 1, ',', true);
    expect(read.records.map((r) => r.line)).toEqual([1, 4]);
    expect(read.blankLines).toBe(3);
  });

  it('hands back an incomplete record when more text may follow', () => {
    const read = readCsvRecords('a,b\n1,"open\nstill', 1, ',', false);
    expect(read.records).toEqual([{ line: 1, cells: ['a', 'b'] }]);
    expect(read.rest).toBe('1,"open\nstill');
    expect(read.restLine).toBe(2);
  });

  it('waits on a final CR that may be half of a CRLF', () => {
    const read = readCsvRecords('a,b\r', 1, ',', false);
    expect(read.records).toEqual([]);
    expect(read.rest).toBe('a,b\r');
  });

  it('rejects only the line of a quote that never closes and reads on', () => {
    const read = readCsvRecords('p,n\n1,"broken\n2,fine\n3,ok\n', 1, ',', true);
    expect(read.malformed).toEqual([
      { line: 2, reason: 'a quoted field is never closed', text: '1,"broken' },
    ]);
    expect(read.records.map((r) => [r.line, r.cells])).toEqual([
      [1, ['p', 'n']],
      [3, ['2', 'fine']],
      [4, ['3', 'ok']],
    ]);
  });

  it('gives up on a record that outgrows the limit without waiting for the end of the file', () => {
    const read = readCsvRecords(`p\n"${'x'.repeat(50)}\nnext\n`, 1, ',', false, 20);
    expect(read.malformed).toHaveLength(1);
    expect(read.records.map((r) => r.cells[0])).toEqual(['p', 'next']);
  });

  it('keeps a stray quote inside an unquoted cell and text after a closing quote', () => {
    expect(readCsvRecords('5" disk,"a"b\n', 1, ',', true).records[0]!.cells).toEqual(['5" disk', 'ab']);
  });

  it('gives the same records however the text is cut', () => {
    const cell = fc.oneof(
      fc.stringMatching(/^[a-z0-9 ]{0,6}$/),
      fc.string({ maxLength: 6 }).map((s) => `"${s.replace(/"/g, '""')}"`),
    );
    const row = fc.array(cell, { minLength: 1, maxLength: 4 }).map((cells) => cells.join(','));
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.constantFrom('\n', '\r\n'),
        (rows, cuts, eol) => {
          const text = rows.join(eol) + eol;
          const whole = readCsvRecords(text, 1, ',', true);
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          let carry = '';
          let line = 1;
          let last = 0;
          const records = [];
          let blank = 0;
          for (const point of [...points, text.length]) {
            const final = point === text.length;
            const read = readCsvRecords(carry + text.slice(last, point), line, ',', final);
            records.push(...read.records);
            blank += read.blankLines;
            carry = read.rest;
            line = read.restLine;
            last = point;
            if (final) break;
          }
          expect(records).toEqual(whole.records);
          expect(blank).toBe(whole.blankLines);
        },
      ),
    );
  });
});

describe('detectDelimiter', () => {
  it.each([
    ['phone,name,city', ','],
    ['phone;name;city', ';'],
    ['phone\tname', '\t'],
    ['phone|name', '|'],
    ['"a;b",c', ','],
    ['phone', ','],
  ])('%j -> %j', (line, delimiter) => expect(detectDelimiter(line)).toBe(delimiter));
});
