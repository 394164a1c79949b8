import type { InboundRejection, InboundRejectionFilter } from '@autotelesale/contracts';
import { decodeTimeKeyset, ReportingDomainError, type TimeKeyset } from '@autotelesale/reporting-domain';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A row of `inbound_rejection` as pg returns it. */
export interface InboundRejectionRow {
  event_id: string;
  channel_uuid: string;
  dialer_id: string;
  node: string;
  caller_number: string;
  called_number: string;
  list: string;
  list_reason: string | null;
  hangup_cause: string;
  rejected_at: Date;
}

/** The page query of refused inbound calls: filter, keyset (rejection time, event id), order. Values are bound. */
export function inboundRejectionPageQuery(
  filter: InboundRejectionFilter,
  order: 'asc' | 'desc',
  after: TimeKeyset | null,
  limit: number,
): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const where = ['true'];
  if (filter.from) where.push(`rejected_at >= ${param(new Date(filter.from))}`);
  if (filter.to) where.push(`rejected_at < ${param(new Date(filter.to))}`);
  if (filter.callerNumber) where.push(`caller_number = ${param(filter.callerNumber)}`);
  if (filter.list) where.push(`list = ${param(filter.list)}`);
  if (after) {
    const cmp = order === 'asc' ? '>' : '<';
    where.push(`(rejected_at, event_id) ${cmp} (${param(after.at)}, ${param(after.id)}::uuid)`);
  }
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  const text = `
    SELECT * FROM inbound_rejection
     WHERE ${where.join(' AND ')}
     ORDER BY rejected_at ${dir}, event_id ${dir}
     LIMIT ${param(limit)}`;
  return { text, values };
}

export function inboundRejectionOf(row: InboundRejectionRow): InboundRejection {
  return {
    eventId: row.event_id,
    channelUuid: row.channel_uuid,
    dialerId: row.dialer_id,
    node: row.node,
    callerNumber: row.caller_number,
    calledNumber: row.called_number,
    list: row.list as InboundRejection['list'],
    listReason: row.list_reason,
    hangupCause: row.hangup_cause,
    rejectedAt: row.rejected_at.toISOString(),
  };
}

/**
 * Reads a cursor of this report back: a keyset of another query, or whose id is no event
 * id (the fingerprint is no secret, so a cursor can be forged), is a caller's mistake.
 */
export function decodeRejectionCursor(cursor: string, query: unknown): TimeKeyset {
  const keyset = decodeTimeKeyset(cursor, query);
  if (!UUID.test(keyset.id))
    throw new ReportingDomainError('REPORTING_INVALID_CURSOR', 'the cursor is not one this service issued');
  return keyset;
}

export function keysetOf(row: InboundRejectionRow): TimeKeyset {
  return { at: row.rejected_at, id: row.event_id };
}
