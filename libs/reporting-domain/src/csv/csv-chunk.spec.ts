import { fillCsvChunk } from './csv-chunk';

const line = (n: number) => `row ${n}\r\n`;

describe('fillCsvChunk', () => {
  it('writes the header, then rows up to maxRows', () => {
    expect(fillCsvChunk([1, 2, 3], line, { header: 'h\r\n', maxRows: 2, maxBytes: 1_000 })).toEqual({
      chunk: 'h\r\nrow 1\r\nrow 2\r\n',
      taken: 2,
    });
  });

  it('stops before the line that would pass maxBytes (UTF-8 bytes, not characters)', () => {
    const wide = (n: number) => `é${n}\r\n`; // 5 bytes each
    expect(fillCsvChunk([1, 2, 3], wide, { header: '', maxRows: 10, maxBytes: 10 })).toEqual({
      chunk: 'é1\r\né2\r\n',
      taken: 2,
    });
  });

  it('always takes the first row, however long, so an export never stalls', () => {
    expect(fillCsvChunk([1, 2], line, { header: 'header\r\n', maxRows: 10, maxBytes: 3 })).toEqual({
      chunk: 'header\r\nrow 1\r\n',
      taken: 1,
    });
  });

  it('gives the header alone when there is no row', () => {
    expect(fillCsvChunk([], line, { header: 'h\r\n', maxRows: 10, maxBytes: 10 })).toEqual({
      chunk: 'h\r\n',
      taken: 0,
    });
  });
});
