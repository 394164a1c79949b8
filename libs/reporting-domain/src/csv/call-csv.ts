import type { ReportedCall } from '@autotelesale/contracts';
import { csvCell, csvLine, type CsvValue } from './csv-cells';

interface CallColumn {
  header: string;
  value: (call: ReportedCall) => CsvValue;
  /** Validated values that a spreadsheet cannot run (never formula-escaped). */
  verbatim?: boolean;
}

/** The columns of the call-record export, in order (seed 000's list first). */
export const CALL_CSV_COLUMNS: readonly CallColumn[] = [
  { header: 'call_id', value: (c) => c.callId },
  { header: 'campaign_id', value: (c) => c.campaignId },
  { header: 'customer_number', value: (c) => c.phone, verbatim: true },
  { header: 'agent_id', value: (c) => c.agentId },
  { header: 'agent_extension', value: (c) => c.extension },
  { header: 'call_time', value: (c) => c.dialedAt, verbatim: true },
  { header: 'answered_at', value: (c) => c.answeredAt, verbatim: true },
  { header: 'connected_at', value: (c) => c.connectedAt, verbatim: true },
  { header: 'ended_at', value: (c) => c.endedAt, verbatim: true },
  { header: 'ring_seconds', value: (c) => c.ringSeconds },
  { header: 'hold_seconds', value: (c) => c.holdSeconds },
  { header: 'talk_seconds', value: (c) => c.talkSeconds },
  { header: 'status', value: (c) => c.outcome ?? 'inProgress' },
  { header: 'live_answer', value: (c) => c.liveAnswer },
  { header: 'abandoned', value: (c) => c.regulatorAbandoned },
  { header: 'abandon_reason', value: (c) => c.abandonReason },
  { header: 'amd', value: (c) => c.amd },
  { header: 'hangup_cause', value: (c) => c.hangupCause },
  { header: 'hangup_by', value: (c) => c.hangupBy },
  { header: 'recording', value: (c) => c.recordingPath },
  { header: 'disposition', value: (c) => c.dispositionCode },
  { header: 'sale_value', value: (c) => c.saleValue },
  { header: 'currency', value: (c) => c.currency },
  { header: 'mode', value: (c) => c.mode },
  { header: 'contact_id', value: (c) => c.contactId },
  { header: 'attempt_id', value: (c) => c.attemptId },
  { header: 'node', value: (c) => c.node },
];

export function callCsvHeader(): string {
  return csvLine(CALL_CSV_COLUMNS.map((c) => c.header));
}

export function callCsvLine(call: ReportedCall): string {
  return csvLine(CALL_CSV_COLUMNS.map((c) => csvCell(c.value(call), { verbatim: c.verbatim })));
}
