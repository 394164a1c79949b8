import type { AgentTx } from '../db/agent-database';
import { notFound } from '../db/agent-database';
import type { ReservationRow } from '../db/agent-rows';
import type { AgentTransitions } from '../states/agent-transitions';

/** Locks a reservation row; every reservation operation locks it before its agent (one lock order). */
export async function lockReservation(tx: AgentTx, reservationId: string): Promise<ReservationRow> {
  const { rows } = await tx.query<ReservationRow>(
    `SELECT * FROM reservation WHERE reservation_id = $1 FOR UPDATE`,
    [reservationId],
  );
  if (!rows[0]) throw notFound('reservation', reservationId);
  return rows[0];
}

export async function closeReservation(
  tx: AgentTx,
  reservationId: string,
  status: 'confirmed' | 'released' | 'expired' | 'ended',
  now: Date,
  callId?: string,
): Promise<ReservationRow> {
  const { rows } = await tx.query<ReservationRow>(
    `UPDATE reservation
        SET status = $2::reservation_status,
            call_id = COALESCE($4, call_id),
            confirmed_at = CASE WHEN $2::reservation_status = 'confirmed' THEN $3 ELSE confirmed_at END,
            closed_at = CASE WHEN $2::reservation_status = 'confirmed' THEN closed_at ELSE $3 END
      WHERE reservation_id = $1
      RETURNING *`,
    [reservationId, status, now, callId ?? null],
  );
  return rows[0]!;
}

/**
 * Expires a pending reservation whose deadline (database time) has passed: the agent
 * returns to ready. Used by the sweeper and by a confirm that arrives too late.
 */
export async function expireReservation(
  tx: AgentTx,
  transitions: AgentTransitions,
  reservation: ReservationRow,
  now: Date,
): Promise<ReservationRow> {
  const agent = await transitions.lockAgent(tx, reservation.agent_id);
  if (agent.reservation_id === reservation.reservation_id) {
    await transitions.apply(
      tx,
      agent,
      { type: 'reservationExpired', reservationId: reservation.reservation_id },
      now,
    );
  }
  return closeReservation(tx, reservation.reservation_id, 'expired', now);
}
