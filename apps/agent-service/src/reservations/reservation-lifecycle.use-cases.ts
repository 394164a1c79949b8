import { Injectable } from '@nestjs/common';
import type { Reservation, ReservationChangeReply } from '@autotelesale/contracts';
import {
  ReservationClosedError,
  decideCallEnded,
  decideConfirm,
  decideRelease,
  type ReservationDecision,
} from '@autotelesale/agent-domain';
import { AgentDatabase, notFound, type AgentTx } from '../db/agent-database';
import {
  SELECT_AGENT,
  reservationOf,
  snapshotOf,
  statusOf,
  type AgentRow,
  type ReservationRow,
} from '../db/agent-rows';
import { AgentTransitions, type AlsoWritten, type AppliedTransition } from '../states/agent-transitions';
import { DeadlineSweeper } from '../sweeper/deadline-sweeper';
import {
  closeReservation,
  closeReservationWith,
  closedRow,
  expireReservation,
  lockReservationThenNow,
  openedReservation,
} from './reservation-store';

/**
 * What the dialer does with a reservation after `reserve`. Each operation locks the
 * reservation first, so a retry waits for the original and then finds it applied: it
 * answers the same (`replay`) and never changes the agent twice.
 */
@Injectable()
export class ReservationLifecycleUseCases {
  constructor(
    private readonly db: AgentDatabase,
    private readonly transitions: AgentTransitions,
    private readonly sweeper: DeadlineSweeper,
  ) {}

  async confirm(reservationId: string, callId: string): Promise<ReservationChangeReply> {
    let expiredNow = false;
    const reply = await this.db.transaction(async (tx) => {
      const { reservation, now } = openedReservation(tx, reservationId);
      const decision = decideConfirm(toFacts(reservation), callId, now);
      if (decision === 'expireFirst') {
        // Too late by database time: expire it now (committed), then refuse.
        expiredNow = true;
        return this.answer(tx, await expireReservation(tx, this.transitions, reservation, now));
      }
      return this.applyOrReplay(
        tx,
        reservation,
        decision,
        now,
        'confirmed',
        (agent, also) =>
          this.transitions.apply(tx, agent, { type: 'confirm', reservationId, callId }, now, undefined, also),
        callId,
      );
    }, lockedFirst(reservationId));
    if (expiredNow) throw new ReservationClosedError('expired', 'confirm');
    return reply;
  }

  release(reservationId: string): Promise<ReservationChangeReply> {
    return this.db.transaction(async (tx) => {
      const { reservation, now } = openedReservation(tx, reservationId);
      return this.applyOrReplay(
        tx,
        reservation,
        decideRelease(toFacts(reservation)),
        now,
        'released',
        (agent, also) =>
          this.transitions.apply(tx, agent, { type: 'release', reservationId }, now, undefined, also),
      );
    }, lockedFirst(reservationId));
  }

  async callEnded(
    reservationId: string,
    wrapUpSeconds: number,
    callId?: string,
  ): Promise<ReservationChangeReply> {
    const reply = await this.db.transaction(async (tx) => {
      const { reservation, now } = openedReservation(tx, reservationId);
      const decision = decideCallEnded(toFacts(reservation), callId);
      return this.applyOrReplay(tx, reservation, decision, now, 'ended', (agent, also) =>
        this.transitions.apply(
          tx,
          agent,
          { type: 'callEnded', reservationId, wrapUpSeconds },
          now,
          undefined,
          also,
        ),
      );
    }, lockedFirst(reservationId));
    if (reply.agent.wrapUpEndsAt) this.sweeper.wakeAt(new Date(reply.agent.wrapUpEndsAt));
    return reply;
  }

  async get(reservationId: string): Promise<Reservation> {
    const { rows } = await this.db.query<ReservationRow>(
      `SELECT * FROM reservation WHERE reservation_id = $1`,
      [reservationId],
    );
    if (!rows[0]) throw notFound('reservation', reservationId);
    return reservationOf(rows[0]);
  }

  private async applyOrReplay(
    tx: AgentTx,
    reservation: ReservationRow,
    decision: ReservationDecision,
    now: Date,
    closeAs: 'confirmed' | 'released' | 'ended',
    change: (agent: AgentRow, also: AlsoWritten) => Promise<AppliedTransition>,
    callId?: string,
  ): Promise<ReservationChangeReply> {
    if (decision === 'replay') return this.answer(tx, reservation);
    // The agent as the change left it: no second read (each statement waits its turn for
    // the database under load). The reservation is closed in the agent's statement.
    const applied = await change(
      await this.transitions.lockAgent(tx, reservation.agent_id),
      closeReservationWith(reservation.reservation_id, closeAs, now, callId),
    );
    const closed = applied.result.changed
      ? closedRow(reservation, closeAs, now, callId)
      : await closeReservation(tx, reservation.reservation_id, closeAs, now, callId);
    return { reservation: reservationOf(closed), agent: applied.status };
  }

  private async answer(tx: AgentTx, reservation: ReservationRow): Promise<ReservationChangeReply> {
    const { rows } = await tx.query<AgentRow>(`${SELECT_AGENT} WHERE a.agent_id = $1`, [
      reservation.agent_id,
    ]);
    if (!rows[0]) throw notFound('agent', reservation.agent_id);
    return {
      reservation: reservationOf(reservation),
      agent: statusOf(rows[0].agent_id, snapshotOf(rows[0])),
    };
  }
}

/** The reservation locked and the clock read with BEGIN: one round trip instead of three. */
function lockedFirst(reservationId: string) {
  return { opening: lockReservationThenNow(reservationId) };
}

function toFacts(reservation: ReservationRow) {
  return { status: reservation.status, callId: reservation.call_id, expiresAt: reservation.expires_at };
}
