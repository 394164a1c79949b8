import type { CallRecordFilter } from '@autotelesale/contracts';
import type { CallKeyset } from '@autotelesale/reporting-domain';
import type { CallDispositionColumns, CallRecordRow } from './call-record-rows';

/**
 * The page query of call records: filter, keyset (dial time, call id) and order, with the
 * call's disposition joined. Only calls whose dial time is known are listed (a call seen
 * so far only through a later event appears once its dial time arrives). Values are
 * always bound parameters.
 */
export function callRecordPageQuery(
  filter: CallRecordFilter,
  order: 'asc' | 'desc',
  after: CallKeyset | null,
  limit: number,
): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const where = ['c.dialed_at IS NOT NULL'];
  if (filter.campaignId) where.push(`c.campaign_id = ${param(filter.campaignId)}`);
  if (filter.agentId) where.push(`c.agent_id = ${param(filter.agentId)}`);
  if (filter.callId) where.push(`c.call_id = ${param(filter.callId)}`);
  if (filter.from) where.push(`c.dialed_at >= ${param(new Date(filter.from))}`);
  if (filter.to) where.push(`c.dialed_at < ${param(new Date(filter.to))}`);
  if (filter.outcomes) where.push(`c.outcome = ANY(${param(filter.outcomes)}::text[])`);
  if (filter.phone) where.push(`c.phone = ${param(filter.phone)}`);
  if (filter.abandoned !== undefined) where.push(`c.counted_abandon = ${param(filter.abandoned)}`);
  if (filter.ended !== undefined) where.push(`c.ended = ${param(filter.ended)}`);
  if (after) {
    const cmp = order === 'asc' ? '>' : '<';
    where.push(`(c.dialed_at, c.call_id) ${cmp} (${param(after.dialedAt)}, ${param(after.callId)})`);
  }
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  const text = `
    SELECT c.*, d.code AS disposition_code, d.sale, d.sale_value, d.currency
      FROM call_record c
      LEFT JOIN LATERAL (
        SELECT code, sale, sale_value, currency FROM disposition
         WHERE disposition.call_id = c.call_id ORDER BY recorded_at, disposition_id LIMIT 1
      ) d ON true
     WHERE ${where.join(' AND ')}
     ORDER BY c.dialed_at ${dir}, c.call_id ${dir}
     LIMIT ${param(limit)}`;
  return { text, values };
}

export type CallRecordPageRow = CallRecordRow & CallDispositionColumns;
