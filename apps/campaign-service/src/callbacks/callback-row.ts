import type { Callback, CallbackState } from '@autotelesale/contracts';
import { escapeFormula } from '@autotelesale/campaign-domain';
import { iso, queryOne, type Tx } from '../db/sql';

export interface CallbackRow {
  id: string;
  campaign_id: string;
  contact_id: string;
  due_at: Date;
  owner_agent_id: string | null;
  notes: string | null;
  requested_by: string | null;
  state: CallbackState;
  created_at: Date;
  closed_at: Date | null;
}

export const CALLBACK_COLUMNS =
  'id, campaign_id, contact_id, due_at, owner_agent_id, notes, requested_by, state, created_at, closed_at';

export function toCallback(row: CallbackRow): Callback {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    contactId: row.contact_id,
    dueAt: iso(row.due_at)!,
    ownerAgentId: row.owner_agent_id,
    notes: row.notes === null ? null : (escapeFormula(row.notes) as string),
    requestedBy: row.requested_by === null ? null : (escapeFormula(row.requested_by) as string),
    state: row.state,
    createdAt: iso(row.created_at)!,
    closedAt: iso(row.closed_at),
  };
}

export async function loadCallback(tx: Tx, id: string): Promise<Callback> {
  const row = await queryOne<CallbackRow>(tx, `SELECT ${CALLBACK_COLUMNS} FROM callback WHERE id = $1`, [id]);
  return toCallback(row!);
}
