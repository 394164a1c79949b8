import type { InboundRejection } from '@autotelesale/contracts';
import { csvCell, csvLine, type CsvValue } from './csv-cells';

interface RejectionColumn {
  header: string;
  value: (rejection: InboundRejection) => CsvValue;
  /** Validated values that a spreadsheet cannot run (never formula-escaped). */
  verbatim?: boolean;
}

/**
 * The columns of the inbound-rejection export: when, who called, the number dialled, the
 * line, which list matched and why. The number dialled and the list's reason are text
 * from outside (the carrier, whoever filled the list): formula-escaped like any text.
 */
export const INBOUND_REJECTION_CSV_COLUMNS: readonly RejectionColumn[] = [
  { header: 'rejected_at', value: (r) => r.rejectedAt, verbatim: true },
  { header: 'caller_number', value: (r) => r.callerNumber, verbatim: true },
  { header: 'called_number', value: (r) => r.calledNumber },
  { header: 'node', value: (r) => r.node },
  { header: 'list', value: (r) => r.list },
  { header: 'list_reason', value: (r) => r.listReason },
  { header: 'hangup_cause', value: (r) => r.hangupCause },
  { header: 'channel_uuid', value: (r) => r.channelUuid },
  { header: 'dialer_id', value: (r) => r.dialerId },
  { header: 'event_id', value: (r) => r.eventId },
];

export function inboundRejectionCsvHeader(): string {
  return csvLine(INBOUND_REJECTION_CSV_COLUMNS.map((c) => c.header));
}

export function inboundRejectionCsvLine(rejection: InboundRejection): string {
  return csvLine(
    INBOUND_REJECTION_CSV_COLUMNS.map((c) => csvCell(c.value(rejection), { verbatim: c.verbatim })),
  );
}
