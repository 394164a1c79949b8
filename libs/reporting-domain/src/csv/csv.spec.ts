import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { csvCell, csvLine, escapeFormula, unescapeFormula } from './csv-cells';

describe('CSV cells', () => {
  it.each(['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx', "'quoted"])(
    'writes %j so that a spreadsheet shows it as text',
    (text) => {
      expect(csvCell(text).replace(/^"/, '')).toMatch(/^'/);
    },
  );

  it('leaves verbatim cells, numbers and plain text alone', () => {
    expect(csvCell('+84961166133', { verbatim: true })).toBe('+84961166133');
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell('NORMAL_CLEARING')).toBe('NORMAL_CLEARING');
    expect(csvCell(null)).toBe('');
    expect(csvCell(true)).toBe('true');
  });

  it('round-trips any text through a CSV reader', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 20 }), { minLength: 1, maxLength: 6 }),
        (cells) => {
          const line = csvLine(cells.map((c) => csvCell(c)));
          const [read] = parse(line, { relax_quotes: false }) as string[][];
          const back = read!.map(unescapeFormula);
          // An empty line reads as no record at all; a single empty cell is that case.
          expect(back).toEqual(cells.length === 1 && cells[0] === '' ? back : cells);
          for (const cell of read!) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
        },
      ),
    );
  });

  it('escapes only what needs it', () => {
    expect(escapeFormula('a=b')).toBe('a=b');
    expect(unescapeFormula(escapeFormula("'=x"))).toBe("'=x");
  });
});
