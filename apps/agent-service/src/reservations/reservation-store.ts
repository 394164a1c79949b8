import type { QueryResult } from 'pg';
import type { AgentTx, OpeningStatements } from '../db/agent-database';
import { NOW_SQL, notFound } from '../db/agent-database';
import type { ReservationRow } from '../db/agent-rows';
import type { AgentTransitions, AlsoWritten } from '../states/agent-transitions';

/**
 * The opening of a reservation operation's transaction (sent with BEGIN): the reservation
 * row locked, then the clock read after that lock. See `openedReservation`.
 */
export function lockReservationThenNow(reservationId: string): OpeningStatements {
  return (literal) => [
    `SELECT * FROM reservation WHERE reservation_id = ${literal(reservationId)} FOR UPDATE`,
    NOW_SQL,
  ];
}

/** What `lockReservationThenNow` read: the locked row (NOT_FOUND if none) and the clock. */
export function openedReservation(
  tx: AgentTx,
  reservationId: string,
): { reservation: ReservationRow; now: Date } {
  const [locked, clock] = tx.opened as [QueryResult<ReservationRow>, QueryResult<{ now: Date }>];
  const reservation = locked.rows[0];
  if (!reservation) throw notFound('reservation', reservationId);
  return { reservation, now: clock.rows[0]!.now };
}

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
  const { rows } = await tx.query<ReservationRow>(closeSql(1), [reservationId, status, now, callId ?? null]);
  return rows[0]!;
}

/**
 * closeReservation as a CTE of the agent's transition statement (`AlsoWritten`): one round
 * trip less. Same SQL and parameters; it runs only if the agent moved.
 */
export function closeReservationWith(
  reservationId: string,
  status: 'confirmed' | 'released' | 'ended',
  now: Date,
  callId?: string,
): AlsoWritten {
  return {
    cte: (p) => closeSql(p, 'AND EXISTS (SELECT 1 FROM moved)'),
    values: [reservationId, status, now, callId ?? null],
  };
}

/** The row closeReservation leaves, from the locked row (what its UPDATE would return). */
export function closedRow(
  row: ReservationRow,
  status: 'confirmed' | 'released' | 'ended',
  now: Date,
  callId?: string,
): ReservationRow {
  return {
    ...row,
    status,
    call_id: callId ?? row.call_id,
    confirmed_at: status === 'confirmed' ? now : row.confirmed_at,
    closed_at: status === 'confirmed' ? row.closed_at : now,
  };
}

function closeSql(p: number, andAlso = ''): string {
  return `UPDATE reservation
        SET status = $${p + 1}::reservation_status,
            call_id = COALESCE($${p + 3}::text, call_id),
            confirmed_at = CASE WHEN $${p + 1}::reservation_status = 'confirmed' THEN $${p + 2}::timestamptz ELSE confirmed_at END,
            closed_at = CASE WHEN $${p + 1}::reservation_status = 'confirmed' THEN closed_at ELSE $${p + 2}::timestamptz END
      WHERE reservation_id = $${p}::uuid ${andAlso}
      RETURNING *`;
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
