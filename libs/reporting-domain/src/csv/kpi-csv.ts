import type { KpiRow, Kpis, QueryKpisReply } from '@autotelesale/contracts';
import type { TimeKeyset } from '../paging/keyset-cursor';
import { csvCell, csvLine, type CsvValue } from './csv-cells';
import { fillCsvChunk } from './csv-chunk';

interface KpiColumn {
  header: string;
  value: (row: KpiRow) => CsvValue;
  /** Validated values that a spreadsheet cannot run (never formula-escaped). */
  verbatim?: boolean;
  /** The field of `Kpis` the column shows (a spec checks that every KPI has one). */
  kpi?: keyof Kpis;
}

/** One column per KPI, named in snake case with its unit (`_seconds`, `_ms`, `_per_agent_hour`). */
const kpi = (key: Exclude<keyof Kpis, 'saleValueByCurrency'>, header: string): KpiColumn => ({
  header,
  value: (row) => row.kpis[key],
  kpi: key,
});

/**
 * `EUR=120.5;USD=30`: the sale value per currency in one cell, currencies in code order,
 * so that the header stays the same whatever was sold.
 */
function saleValuePerCurrency(row: KpiRow): string {
  return Object.entries(row.kpis.saleValueByCurrency)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, value]) => `${currency}=${csvCell(value)}`)
    .join(';');
}

/**
 * The columns of the KPI export, in order: the group (campaign, agent; empty when the
 * query does not group by it), the bucket, then every KPI of `Kpis`. Rates and occupancy
 * are fractions (0.25, not 25 %), as in the JSON reply; numbers are written exactly as
 * JSON has them, never in a locale's format nor with an exponent.
 */
export const KPI_CSV_COLUMNS: readonly KpiColumn[] = [
  { header: 'campaign_id', value: (r) => r.campaignId },
  { header: 'agent_id', value: (r) => r.agentId },
  { header: 'bucket_start', value: (r) => r.bucketStart, verbatim: true },
  { header: 'bucket_end', value: (r) => r.bucketEnd, verbatim: true },
  kpi('dials', 'dials'),
  kpi('liveAnswers', 'live_answers'),
  kpi('connects', 'connects'),
  kpi('abandons', 'abandons'),
  kpi('abandonRate', 'abandon_rate'),
  kpi('amdFalsePositives', 'amd_false_positives'),
  kpi('machineVerdicts', 'machine_verdicts'),
  kpi('amdFalsePositivesEstimated', 'amd_false_positives_estimated'),
  kpi('abandonRateUk', 'abandon_rate_uk'),
  kpi('loggedInSeconds', 'logged_in_seconds'),
  kpi('talkSeconds', 'talk_seconds'),
  kpi('wrapUpSeconds', 'wrap_up_seconds'),
  kpi('occupancy', 'occupancy'),
  kpi('talkMinutesPerAgentHour', 'talk_minutes_per_agent_hour'),
  kpi('contactsPerAgentHour', 'contacts_per_agent_hour'),
  kpi('averageHandleSeconds', 'average_handle_seconds'),
  kpi('averageHoldSeconds', 'average_hold_seconds'),
  kpi('averageTalkSeconds', 'average_talk_seconds'),
  kpi('answerToAgentP50Ms', 'answer_to_agent_p50_ms'),
  kpi('answerToAgentP99Ms', 'answer_to_agent_p99_ms'),
  kpi('sales', 'sales'),
  kpi('conversionRate', 'conversion_rate'),
  kpi('saleValue', 'sale_value'),
  { header: 'sale_value_by_currency', value: saleValuePerCurrency, kpi: 'saleValueByCurrency' },
];

export function kpiCsvHeader(): string {
  return csvLine(KPI_CSV_COLUMNS.map((c) => c.header));
}

export function kpiCsvLine(row: KpiRow): string {
  return csvLine(KPI_CSV_COLUMNS.map((c) => csvCell(c.value(row), { verbatim: c.verbatim })));
}

/**
 * A KPI reply as one CSV file (RFC 4180, UTF-8, CRLF): the header, then one line per row
 * (group and bucket) in the reply's order. No rows: the header alone.
 */
export function kpiCsv(rows: readonly KpiRow[]): string {
  return kpiCsvHeader() + rows.map(kpiCsvLine).join('');
}

/**
 * Where a row stands in the reply's order (group, then bucket): the keyset a chunked
 * export resumes after. The group is the campaign or the agent (none: the same for all).
 */
export function kpiRowKeyset(row: KpiRow): TimeKeyset {
  return { id: row.campaignId ?? row.agentId ?? '', at: new Date(row.bucketStart) };
}

function isAfter(row: KpiRow, after: TimeKeyset): boolean {
  const { id, at } = kpiRowKeyset(row);
  return id === after.id ? at.getTime() > after.at.getTime() : id > after.id;
}

export interface KpiCsvChunk {
  /** The header (first chunk only), then one line per row. */
  chunk: string;
  rows: number;
  /** The keyset of the last row written when rows remain, else null. */
  next: TimeKeyset | null;
}

/**
 * One chunk of the KPI export: the rows after `after` (null: from the first, with the
 * header), at most `maxRows` of them and `maxBytes` of UTF-8 (but always one row, so that
 * an export always moves on). `rows` must be in the reply's order (group, then bucket).
 */
export function kpiCsvChunk(
  rows: readonly KpiRow[],
  options: { after: TimeKeyset | null; maxRows: number; maxBytes: number },
): KpiCsvChunk {
  const { after, maxRows, maxBytes } = options;
  const left = after ? rows.filter((row) => isAfter(row, after)) : rows;
  const { chunk, taken } = fillCsvChunk(left, kpiCsvLine, {
    header: after ? '' : kpiCsvHeader(),
    maxRows,
    maxBytes,
  });
  const next = taken < left.length && taken > 0 ? kpiRowKeyset(left[taken - 1]!) : null;
  return { chunk, rows: taken, next };
}

/** `kpis-campaign-1h-2026-11-23.csv`: what was grouped, how, and the first day. */
export function kpiCsvFileName(reply: Pick<QueryKpisReply, 'groupBy' | 'interval' | 'from'>): string {
  return `kpis-${reply.groupBy}-${reply.interval}-${reply.from.slice(0, 10)}.csv`;
}
