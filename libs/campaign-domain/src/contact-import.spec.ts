import fc from 'fast-check';
import {
  feedImportPiece,
  newImportParserState,
  type ImportedRow,
  type ImportOptions,
} from './contact-import';
import { mergeContactDrafts } from './contact-draft';

function importAll(bytes: Buffer, options: ImportOptions, cuts: number[] = []) {
  let state = newImportParserState(options);
  const rows: ImportedRow[] = [];
  let blankLines = 0;
  let fatal: string | null = null;
  let last = 0;
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  for (const point of [...points, bytes.length]) {
    const final = point === bytes.length;
    const result = feedImportPiece(state, bytes.subarray(last, point), final, options);
    state = result.state;
    rows.push(...result.rows);
    blankLines += result.blankLines;
    fatal ??= result.fatal;
    last = point;
    if (final) break;
  }
  return { rows, blankLines, fatal };
}

const csv = [
  'Số điện thoại;Họ tên;Thành phố;Ghi chú',
  '0961 166 133;Nguyễn Văn A;Hà Nội;=HYPERLINK("http://x")',
  '+84 961 166 134;Trần Thị B;Huế;',
  'abc;Bad;Huế;',
  '0961166135;Only;Three',
  '',
  '0961166136;"Lê ""C""";Đà Nẵng;"multi',
  'line"',
  ';Missing;;',
].join('\r\n');

describe('feedImportPiece (CSV)', () => {
  const options: ImportOptions = { format: 'csv', region: 'VN' };

  it('reads a Vietnamese semicolon CSV with a BOM: contacts, custom fields, rejects with lines', () => {
    const { rows, blankLines, fatal } = importAll(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]),
      options,
    );
    expect(fatal).toBeNull();
    expect(blankLines).toBe(1);
    expect(rows.map((r) => [r.line, r.ok ? r.draft.phone : r.code])).toEqual([
      [2, '+84961166133'],
      [3, '+84961166134'],
      [4, 'PHONE_INVALID'],
      [5, 'COLUMN_COUNT'],
      [7, '+84961166136'],
      [9, 'PHONE_MISSING'],
    ]);
    const first = rows[0] as Extract<ImportedRow, { ok: true }>;
    expect(first.draft).toEqual({
      phone: '+84961166133',
      name: 'Nguyễn Văn A',
      priority: null,
      timeZone: null,
      ownerAgentId: null,
      fields: { 'Thành phố': 'Hà Nội', 'Ghi chú': '=HYPERLINK("http://x")' },
      alternatePhones: [],
    });
    expect((rows[4] as Extract<ImportedRow, { ok: true }>).draft.fields).toEqual({
      'Thành phố': 'Đà Nẵng',
      'Ghi chú': 'multi\r\nline',
    });
    expect(rows[2]).toMatchObject({
      raw: { 'Số điện thoại': 'abc', 'Họ tên': 'Bad', 'Thành phố': 'Huế', 'Ghi chú': '' },
    });
  });

  it('gives the same rows however the bytes are cut (inside characters, quotes, CRLF)', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv)]);
    const whole = importAll(bytes, options);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 10 }), (cuts) => {
        expect(importAll(bytes, options, cuts)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it('fails the file when no column holds phone numbers', () => {
    expect(importAll(Buffer.from('name,city\nA,B\n'), options).fatal).toMatch(/no phone column/);
  });

  it('follows a column map and checks priority, time zone and owner', () => {
    const text =
      'Mobile,Prio,Zone,Agent\n0961166133,5,Asia/Bangkok,agent-1\n0961166134,high,,\n0961166135,,Mars/Base,\n0961166136,,,bad id!\n';
    const { rows } = importAll(Buffer.from(text), {
      ...options,
      columnMap: { phone: 'mobile', priority: 'prio', timeZone: 'zone', ownerAgentId: 'agent' },
    });
    expect(
      rows.map((r) => (r.ok ? [r.draft.priority, r.draft.timeZone, r.draft.ownerAgentId] : r.code)),
    ).toEqual([[5, 'Asia/Bangkok', 'agent-1'], 'PRIORITY_INVALID', 'TIME_ZONE_INVALID', 'OWNER_INVALID']);
  });

  it('takes a time zone, an ISO country or a known ISO 3166-2 region in the time zone column', () => {
    const cells = [
      ['Asia/Tokyo', 'Asia/Tokyo'],
      ['vn', 'VN'],
      ['KZ', 'KZ'],
      ['UK', 'GB'],
      ['US-CA', 'US-CA'],
      ['ca-on', 'CA-ON'],
      ['AU-NSW', 'AU-NSW'],
      ['', null],
      ['Vietnam', 'TIME_ZONE_INVALID'],
      ['US-XX', 'TIME_ZONE_INVALID'],
      ['VN-HN', 'TIME_ZONE_INVALID'],
      ['ZZ', 'TIME_ZONE_INVALID'],
      ['EST', 'TIME_ZONE_INVALID'],
    ];
    const text = `phone,timezone\n${cells.map(([cell], i) => `09611661${String(i).padStart(2, '0')},${cell}`).join('\n')}\n`;
    const { rows } = importAll(Buffer.from(text), options);
    expect(rows.map((r) => (r.ok ? r.draft.timeZone : r.code))).toEqual(
      cells.map(([, expected]) => expected),
    );
    const rejected = rows.find((r) => !r.ok && r.line === 10);
    expect(rejected).toMatchObject({ reason: expect.stringContaining('ISO 3166-2 region') });
  });

  it('reads a file without a header line from the given columns', () => {
    const { rows } = importAll(Buffer.from('0961166133,A\n'), { ...options, columns: ['phone', 'name'] });
    expect(rows).toMatchObject([{ line: 1, ok: true, draft: { phone: '+84961166133', name: 'A' } }]);
  });
});

describe('alternate numbers', () => {
  const ok = (row: ImportedRow) => row as Extract<ImportedRow, { ok: true }>;

  it('reads the usual alternate columns, normalised like the main number; a bad one is reported and the row kept', () => {
    const file = [
      'phone,name,phone2,alt_phone,mobile,note',
      '0961166133,A,0912 345 678,+33 6 12 34 56 78,0961166133,x',
      '0961166134,B,12ab,,0987654321,',
      '0961166135,C,0912345678,0912345678,,',
    ].join('\n');
    const { rows, fatal } = importAll(Buffer.from(file), { format: 'csv', region: 'VN' });
    expect(fatal).toBeNull();
    expect(rows.every((r) => r.ok)).toBe(true);
    // The main number again in `mobile` is no second number.
    expect(ok(rows[0]!).draft.alternatePhones).toEqual(['+84912345678', '+33612345678']);
    expect(ok(rows[0]!).draft.fields).toEqual({ note: 'x' });
    expect(ok(rows[0]!).warnings).toEqual([]);
    expect(ok(rows[1]!).draft.alternatePhones).toEqual(['+84987654321']);
    expect(ok(rows[1]!).warnings).toEqual([
      { column: 'phone2', code: 'ALT_PHONE_INVALID', reason: expect.any(String), value: '12ab' },
    ]);
    expect(ok(rows[2]!).draft.alternatePhones).toEqual(['+84912345678']);
  });

  it('takes the alternates the column map names, in its order, and no others', () => {
    const file = ['so,khac,phone2', '0961166133,0912345678,0987654321'].join('\n');
    const { rows } = importAll(Buffer.from(file), {
      format: 'csv',
      region: 'VN',
      columnMap: { phone: 'so', alternatePhones: ['KHAC'] },
    });
    expect(ok(rows[0]!).draft.alternatePhones).toEqual(['+84912345678']);
    expect(ok(rows[0]!).draft.fields).toEqual({ phone2: '0987654321' });
  });

  it('keeps at most five alternates and reports the rest', () => {
    const header = ['phone', ...[2, 3, 4, 5, 6, 7].map((n) => `phone${n}`)];
    const numbers = ['0961166133', ...[1, 2, 3, 4, 5, 6].map((n) => `091234567${n}`)];
    const { rows } = importAll(Buffer.from(`${header.join(',')}\n${numbers.join(',')}`), {
      format: 'csv',
      region: 'VN',
      columnMap: { alternatePhones: header.slice(1, 6) },
    });
    expect(ok(rows[0]!).draft.alternatePhones).toHaveLength(5);
    expect(ok(rows[0]!).draft.fields).toEqual({ phone7: '0912345676' });
    const auto = importAll(Buffer.from(`${header.join(',')}\n${numbers.join(',')}`), {
      format: 'csv',
      region: 'VN',
    });
    // Without a map the sixth alternate column is a custom field (five columns are taken).
    expect(ok(auto.rows[0]!).draft.alternatePhones).toHaveLength(5);
    expect(ok(auto.rows[0]!).draft.fields).toEqual({ phone7: '0912345676' });
  });

  it('reads alternates from JSON keys too', () => {
    const { rows } = importAll(Buffer.from('{"phone":"0961166133","alt_phone":"0912345678","sdt2":"x1"}'), {
      format: 'ndjson',
      region: 'VN',
    });
    expect(ok(rows[0]!).draft.alternatePhones).toEqual(['+84912345678']);
    expect(ok(rows[0]!).warnings.map((w) => [w.column, w.code])).toEqual([['sdt2', 'ALT_PHONE_INVALID']]);
  });

  it('merges the alternates of two rows of one contact, earlier first', () => {
    const file = [
      'phone,phone2',
      '0961166133,0912345678',
      '0961166133,0987654321',
      '0961166133,0912345678',
    ].join('\n');
    const { rows } = importAll(Buffer.from(file), { format: 'csv', region: 'VN' });
    const merged = rows.map((r) => ok(r).draft).reduce((a, b) => mergeContactDrafts(a, b));
    expect(merged.alternatePhones).toEqual(['+84912345678', '+84987654321']);
  });
});

describe('feedImportPiece (JSON)', () => {
  it('reads an array of objects, keeping other keys as fields and rejecting bad elements', () => {
    const text = JSON.stringify(
      [
        { phone: '0961166133', name: 'A', age: 42, tags: ['x'] },
        { phone: 84961166134 },
        { name: 'no phone' },
        7,
      ],
      null,
      2,
    );
    const { rows } = importAll(Buffer.from(text), { format: 'json', region: 'VN' }, [17, 40]);
    expect(rows.map((r) => (r.ok ? r.draft.phone : r.code))).toEqual([
      '+84961166133',
      '+84961166134',
      'PHONE_MISSING',
      'NOT_AN_OBJECT',
    ]);
    expect((rows[0] as Extract<ImportedRow, { ok: true }>).draft.fields).toEqual({ age: 42, tags: '["x"]' });
  });

  it('reports a syntax error inside one object', () => {
    const { rows } = importAll(Buffer.from('{"phone":"0961166133"}\n{"phone": 0961166134x}\n'), {
      format: 'ndjson',
      region: 'VN',
    });
    expect(rows.map((r) => [r.line, r.ok ? 'ok' : r.code])).toEqual([
      [1, 'ok'],
      [2, 'MALFORMED_ROW'],
    ]);
  });
});
