import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { Kpis, type KpiRow } from '@autotelesale/contracts';
import { computeKpis } from '../kpis/compute-kpis';
import { plainNumber, unescapeFormula } from './csv-cells';
import { KPI_CSV_COLUMNS, kpiCsv, kpiCsvChunk, kpiCsvFileName, kpiCsvHeader } from './kpi-csv';

const CAMPAIGN = '6f1c2a9e-3b4d-4c5e-8f70-0123456789ab';

function row(patch: Partial<KpiRow> = {}, kpis: Partial<Kpis> = {}): KpiRow {
  return {
    campaignId: CAMPAIGN,
    agentId: null,
    bucketStart: '2026-11-23T08:00:00.000Z',
    bucketEnd: '2026-11-23T09:00:00.000Z',
    ...patch,
    kpis: { ...computeKpis(), ...kpis },
  };
}

/** The file read back by a strict RFC 4180 reader, as records of header -> cell. */
function read(csv: string): Array<Record<string, string>> {
  return parse(csv, { columns: true, relax_quotes: false, record_delimiter: '\r\n' }) as Array<
    Record<string, string>
  >;
}

describe('KPI CSV', () => {
  it('has one column per KPI of the contract, each header in snake case with its unit', () => {
    const shown = KPI_CSV_COLUMNS.flatMap((c) => (c.kpi ? [c.kpi] : []));
    expect([...shown].sort()).toEqual(Object.keys(Kpis.shape).sort());
    expect(new Set(shown).size).toBe(shown.length);
    const headers = KPI_CSV_COLUMNS.map((c) => c.header);
    for (const header of headers) expect(header).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(new Set(headers).size).toBe(headers.length);
    expect(headers.slice(0, 4)).toEqual(['campaign_id', 'agent_id', 'bucket_start', 'bucket_end']);
    expect(headers).toEqual(
      expect.arrayContaining([
        'abandon_rate',
        'abandon_rate_uk',
        'talk_minutes_per_agent_hour',
        'contacts_per_agent_hour',
        'average_handle_seconds',
        'average_hold_seconds',
        'answer_to_agent_p50_ms',
        'answer_to_agent_p99_ms',
        'conversion_rate',
        'sale_value',
      ]),
    );
  });

  it('is the header alone, CRLF-ended, for a reply with no rows', () => {
    expect(kpiCsv([])).toBe(kpiCsvHeader());
    expect(kpiCsv([])).toBe(`${KPI_CSV_COLUMNS.map((c) => c.header).join(',')}\r\n`);
    expect(read(kpiCsv([]))).toEqual([]);
  });

  it('writes one CRLF line per row, in the reply order, with the numbers of the JSON reply', () => {
    const rows = [
      row(
        {},
        computeKpis(
          {
            dials: 5,
            liveAnswers: 4,
            connects: 3,
            abandons: 1,
            amdFalsePositives: 0,
            machineVerdicts: 2,
            amdFalsePositivesEstimated: 0.1,
            holdSecondsSum: 8.1,
            holdCount: 3,
            talkSecondsSum: 140,
            talkCount: 3,
            answerToAgentP50Ms: 400,
            answerToAgentP99Ms: 7500,
          },
          { loggedInSeconds: 3600, talkSeconds: 140, wrapUpSeconds: 20 },
          { sales: 1, saleValueByCurrency: { USD: 30, EUR: 120.5 } },
        ),
      ),
      row({ bucketStart: '2026-11-23T09:00:00.000Z', bucketEnd: '2026-11-23T09:30:00.000Z' }),
    ];
    const csv = kpiCsv(rows);
    expect(csv.split('\r\n')).toHaveLength(4); // header, two rows, and the empty rest after the last CRLF
    expect(csv).not.toMatch(/[^\r]\n/);
    const [first, second] = read(csv);
    expect(first).toMatchObject({
      campaign_id: CAMPAIGN,
      agent_id: '',
      bucket_start: '2026-11-23T08:00:00.000Z',
      bucket_end: '2026-11-23T09:00:00.000Z',
      dials: '5',
      abandons: '1',
      abandon_rate: '0.25',
      occupancy: String(140 / 3600),
      talk_minutes_per_agent_hour: String(140 / 60),
      average_handle_seconds: String(160 / 3),
      sales: '1',
      sale_value: '150.5',
      sale_value_by_currency: 'EUR=120.5;USD=30',
    });
    // Every KPI number reads back to exactly the number of the JSON reply.
    for (const column of KPI_CSV_COLUMNS) {
      if (!column.kpi || column.kpi === 'saleValueByCurrency') continue;
      expect(Number(first![column.header])).toBe(rows[0]!.kpis[column.kpi]);
    }
    expect(second).toMatchObject({ bucket_start: '2026-11-23T09:00:00.000Z', dials: '0', abandon_rate: '0' });
    expect(second!['sale_value_by_currency']).toBe('');
  });

  it('escapes an agent id a spreadsheet would run, and quotes one holding a comma or a quote', () => {
    const csv = kpiCsv([
      row({ campaignId: null, agentId: '=HYPERLINK("http://x")' }),
      row({ campaignId: null, agentId: 'smith, "jo"' }),
    ]);
    expect(csv).toContain(`,"'=HYPERLINK(""http://x"")",`);
    const [formula, comma] = read(csv);
    expect(formula!['campaign_id']).toBe('');
    expect(unescapeFormula(formula!['agent_id']!)).toBe('=HYPERLINK("http://x")');
    expect(comma!['agent_id']).toBe('smith, "jo"');
  });

  it('writes numbers with a point, no grouping and no exponent, whatever the locale', () => {
    const csv = kpiCsv([row({}, { saleValue: 1234567.5, amdFalsePositivesEstimated: 1e-7, occupancy: 0.5 })]);
    const [only] = read(csv);
    expect(only!['sale_value']).toBe('1234567.5');
    expect(only!['amd_false_positives_estimated']).toBe('0.0000001');
    expect(only!['occupancy']).toBe('0.5');
    for (const column of KPI_CSV_COLUMNS)
      if (column.kpi && column.kpi !== 'saleValueByCurrency')
        expect(only![column.header]).toMatch(/^-?\d+(\.\d+)?$/);
  });

  it('names the file after the grouping, the interval and the first day', () => {
    expect(kpiCsvFileName({ groupBy: 'agent', interval: '1h', from: '2026-11-23T08:00:00.000Z' })).toBe(
      'kpis-agent-1h-2026-11-23.csv',
    );
  });
});

describe('KPI CSV in chunks', () => {
  /** Groups in the reply's order (sorted ids), each with consecutive hourly buckets. */
  const replyRows = (groups: number, buckets: number): KpiRow[] =>
    Array.from({ length: groups }, (_, g) =>
      Array.from({ length: buckets }, (_, b) =>
        row(
          {
            campaignId: null,
            agentId: `agent-${String(g).padStart(3, '0')}`,
            bucketStart: new Date(Date.UTC(2026, 10, 23, b)).toISOString(),
            bucketEnd: new Date(Date.UTC(2026, 10, 23, b + 1)).toISOString(),
          },
          { dials: g * 100 + b },
        ),
      ),
    ).flat();

  /** Asks chunk after chunk, as the gateway does, resuming after each `next`. */
  function exportAll(rows: KpiRow[], maxRows: number, maxBytes: number): { csv: string; chunks: number } {
    let csv = '';
    let chunks = 0;
    let after = null;
    do {
      const chunk = kpiCsvChunk(rows, { after, maxRows, maxBytes });
      csv += chunk.chunk;
      chunks += 1;
      after = chunk.next;
    } while (after);
    return { csv, chunks };
  }

  it('adds up to the whole file, whatever the chunk size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 2_000 }),
        (groups, buckets, maxRows, maxBytes) => {
          const rows = replyRows(groups, buckets);
          const { csv, chunks } = exportAll(rows, maxRows, maxBytes);
          expect(csv).toBe(kpiCsv(rows));
          expect(chunks).toBeLessThanOrEqual(Math.max(1, rows.length));
        },
      ),
    );
  });

  it('stops a chunk at maxRows, the header in the first only', () => {
    const rows = replyRows(2, 3);
    const first = kpiCsvChunk(rows, { after: null, maxRows: 4, maxBytes: 1_000_000 });
    expect(first.rows).toBe(4);
    expect(first.chunk.startsWith(kpiCsvHeader())).toBe(true);
    expect(first.next).toEqual({ id: 'agent-001', at: new Date(Date.UTC(2026, 10, 23, 0)) });
    const second = kpiCsvChunk(rows, { after: first.next, maxRows: 4, maxBytes: 1_000_000 });
    expect(second.rows).toBe(2);
    expect(second.chunk.startsWith('campaign_id')).toBe(false);
    expect(second.next).toBeNull();
  });
});

describe('plainNumber', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [42, '42'],
    [-1.5, '-1.5'],
    [0.25, '0.25'],
    [1e-7, '0.0000001'],
    [-2.5e-8, '-0.000000025'],
    [1e21, '1000000000000000000000'],
    [1.2345e22, '12345000000000000000000'],
    [Number.NaN, ''],
    [Number.POSITIVE_INFINITY, ''],
  ])('writes %p as %j', (value, text) => {
    expect(plainNumber(value)).toBe(text);
  });

  it('reads back to the same number, in plain decimal notation', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = plainNumber(value);
        expect(text).toMatch(/^-?\d+(\.\d+)?$/);
        expect(Number(text)).toBe(value === 0 ? 0 : value);
      }),
    );
  });
});
