import { AtsError, SegmentFilter, type ContactSelector } from '@autotelesale/contracts';
import { queryOne, type Tx } from '../db/sql';
import type { Pool } from 'pg';
import { segmentFilterSql } from './contact-filter-sql';

/**
 * The WHERE clause of a contact selection (campaign, list, segment, filter, ids), scoped
 * to its campaign always: a selection cannot reach another campaign's contacts.
 */
export async function selectorSql(
  db: Pool | Tx,
  selector: ContactSelector,
  params: unknown[],
): Promise<string> {
  params.push(selector.campaignId);
  const clauses = [`c.campaign_id = $${params.length}`];
  if (selector.listId) {
    params.push(selector.listId);
    clauses.push(`c.list_id = $${params.length}`);
  }
  if (selector.segmentId) {
    const filter = await loadSegmentFilter(db, selector.campaignId, selector.segmentId);
    clauses.push(segmentFilterSql(filter, params));
  }
  if (selector.filter) clauses.push(segmentFilterSql(selector.filter, params));
  if (selector.contactIds) {
    params.push(selector.contactIds);
    clauses.push(`c.id = ANY($${params.length}::uuid[])`);
  }
  return clauses.join(' AND ');
}

export async function loadSegmentFilter(
  db: Pool | Tx,
  campaignId: string,
  segmentId: string,
): Promise<SegmentFilter> {
  const segment = await queryOne<{ filter: unknown }>(
    db,
    'SELECT filter FROM segment WHERE id = $1 AND campaign_id = $2',
    [segmentId, campaignId],
  );
  if (!segment) throw new AtsError('NOT_FOUND', `segment ${segmentId} not found in campaign ${campaignId}`);
  return SegmentFilter.parse(segment.filter);
}
