import type { ContactDecision } from '@autotelesale/campaign-domain';
import type { ContactStatus, FinalReason } from '@autotelesale/contracts';
import { queryOne, type Tx } from '../db/sql';
import type { ContactRow } from './contact-row';

export interface ContactChange {
  decision: ContactDecision;
  /** The callback the contact now waits for (a callback decision), when it has one. */
  callback?: { id: string; ownerAgentId: string | null } | null;
  /** Fields to set besides the queue state. */
  attempts?: number;
  outcomeCounts?: Record<string, number>;
  lastOutcome?: string;
  lastAttemptAt?: Date;
  lastDisposition?: string;
  /** Which of the contact's numbers the next attempt starts from (0 the main one). */
  phoneIndex?: number;
}

export interface ContactAfter {
  id: string;
  status: ContactStatus;
  dueAt: Date | null;
  finalReason: FinalReason | null;
  version: number;
  /** The open callback that this change closed (done), if any. */
  closedCallbackId: string | null;
}

/**
 * Writes a decision (from campaign-domain) onto a locked contact: its status, due time,
 * lane and callback link, the lease cleared. A callback decision keeps or sets the
 * callback; a final decision closes an open callback (done); a plain retry leaves the
 * callback lane unless told it was not a callback.
 */
export async function applyContactDecision(
  tx: Tx,
  contact: ContactRow,
  change: ContactChange,
): Promise<ContactAfter> {
  const { decision } = change;
  let lane = 1;
  let callbackId: string | null = null;
  let callbackAgentId: string | null = null;
  if (decision.status === 'pending' && decision.callback) {
    if (change.callback) {
      callbackId = change.callback.id;
      callbackAgentId = change.callback.ownerAgentId;
    } else {
      callbackId = contact.callback_id;
      callbackAgentId = contact.callback_agent_id;
    }
    lane = callbackId ? 0 : 1;
  }
  const closedCallbackId =
    contact.callback_id && contact.lane === 0 && contact.callback_id !== callbackId
      ? contact.callback_id
      : null;
  if (closedCallbackId) {
    await tx.query(
      `UPDATE callback SET state = 'done', closed_at = now() WHERE id = $1 AND state = 'scheduled'`,
      [closedCallbackId],
    );
  }
  const row = await queryOne<{ version: number }>(
    tx,
    `UPDATE contact SET status = $2, due_at = $3, final_reason = $4, lane = $5, callback_id = $6, callback_agent_id = $7,
            lease_attempt_id = NULL, leased_by = NULL, lease_expires_at = NULL,
            attempts = coalesce($8, attempts), outcome_counts = coalesce($9, outcome_counts),
            last_outcome = coalesce($10, last_outcome), last_attempt_at = coalesce($11, last_attempt_at),
            last_disposition = coalesce($12, last_disposition), phone_index = coalesce($13, phone_index),
            version = version + 1, updated_at = now()
      WHERE id = $1 RETURNING version`,
    [
      contact.id,
      decision.status,
      decision.status === 'pending' ? decision.dueAt : null,
      decision.status === 'done' ? decision.finalReason : null,
      lane,
      callbackId,
      callbackAgentId,
      change.attempts ?? null,
      change.outcomeCounts ? JSON.stringify(change.outcomeCounts) : null,
      change.lastOutcome ?? null,
      change.lastAttemptAt ?? null,
      change.lastDisposition ?? null,
      change.phoneIndex ?? null,
    ],
  );
  return {
    id: contact.id,
    status: decision.status,
    dueAt: decision.status === 'pending' ? decision.dueAt : null,
    finalReason: decision.status === 'done' ? decision.finalReason : null,
    version: row!.version,
    closedCallbackId,
  };
}
