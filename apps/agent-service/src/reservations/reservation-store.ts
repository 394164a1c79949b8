import type { QueryResult } from 'pg';
import type { AgentTx, OpeningStatements } from '../db/agent-database';
import { NOW_SQL } from '../db/agent-database';
import type { ReservationRow } from '../db/agent-rows';
import type { AgentTransitions, AlsoWritten } from '../states/agent-transitions';

/**
 * The opening of a reservation change's transaction (sent with BEGIN): the reservation
 * rows locked in id order (two overlapping batches wait for each other, never deadlock),
 * then the clock read after those locks. See `openedReservations`.
 */
export function lockReservationsThenNow(reservationIds: string[]): OpeningStatements {
  return (literal) => [
    `SELECT * FROM reservation
      WHERE reservation_id = ANY(ARRAY[${[...reservationIds].sort().map(literal).join(', ')}]::uuid[])
      ORDER BY reservation_id FOR UPDATE`,
    NOW_SQL,
  ];
}

/** What `lockReservationsThenNow` read: the locked rows by id (an unknown id has none) and the clock. */
export function openedReservations(tx: AgentTx): { reservations: Map<string, ReservationRow>; now: Date } {
  const [locked, clock] = tx.opened as [QueryResult<ReservationRow>, QueryResult<{ now: Date }>];
  return {
    reservations: new Map(locked.rows.map((row) => [row.reservation_id, row])),
    now: clock.rows[0]!.now,
  };
}

type ReservationClose = {
  reservationId: string;
  /** With `onlyIfAgentMoved`: the agent whose move closes it. */
  agentId?: string;
  status: 'confirmed' | 'released' | 'expired' | 'ended';
  callId?: string;
};

export async function closeReservation(
  tx: AgentTx,
  reservationId: string,
  status: ReservationClose['status'],
  now: Date,
  callId?: string,
): Promise<ReservationRow> {
  const { rows } = await tx.query<ReservationRow>(
    closeSql(1, false),
    closeValues([{ reservationId, status, callId }], now),
  );
  return rows[0]!;
}

/**
 * closeReservation for several reservations as a CTE of their agents' transition statement
 * (`AlsoWritten`): no round trip of its own. Each closes only if its agent moved.
 */
export function closeReservationsWith(
  closes: Array<ReservationClose & { agentId: string; status: 'confirmed' | 'released' | 'ended' }>,
  now: Date,
): AlsoWritten {
  return { cte: (p) => closeSql(p, true), values: closeValues(closes, now) };
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

/** One UPDATE for any number of closes (parameters from `closeValues`, numbered from `p`). */
function closeSql(p: number, onlyIfAgentMoved: boolean): string {
  return `UPDATE reservation r
        SET status = x.status,
            call_id = COALESCE(x.call_id, r.call_id),
            confirmed_at = CASE WHEN x.status = 'confirmed' THEN $${p + 4}::timestamptz ELSE r.confirmed_at END,
            closed_at = CASE WHEN x.status = 'confirmed' THEN r.closed_at ELSE $${p + 4}::timestamptz END
       FROM unnest($${p}::uuid[], $${p + 1}::uuid[], $${p + 2}::reservation_status[], $${p + 3}::text[])
            AS x(reservation_id, agent_id, status, call_id)
      WHERE r.reservation_id = x.reservation_id${
        onlyIfAgentMoved ? ' AND EXISTS (SELECT 1 FROM moved m WHERE m.agent_id = x.agent_id)' : ''
      }
      RETURNING r.*`;
}

function closeValues(closes: ReservationClose[], now: Date): unknown[] {
  return [
    closes.map((c) => c.reservationId),
    closes.map((c) => c.agentId ?? null),
    closes.map((c) => c.status),
    closes.map((c) => c.callId ?? null),
    now,
  ];
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
