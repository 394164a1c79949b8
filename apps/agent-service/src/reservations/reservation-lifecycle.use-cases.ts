import { Injectable } from '@nestjs/common';
import type { Reservation, ReservationChange, ReservationChangeReply } from '@autotelesale/contracts';
import {
  ReservationClosedError,
  applyAgentCommand,
  decideCallEnded,
  decideConfirm,
  decideRelease,
  type AgentCommand,
  type ReservationDecision,
} from '@autotelesale/agent-domain';
import { AgentDatabase, notFound, type AgentTx } from '../db/agent-database';
import { reservationOf, snapshotOf, statusOf, type AgentRow, type ReservationRow } from '../db/agent-rows';
import { AgentTransitions } from '../states/agent-transitions';
import { DeadlineSweeper } from '../sweeper/deadline-sweeper';
import {
  closeReservation,
  closeReservationsWith,
  closedRow,
  expireReservation,
  lockReservationsThenNow,
  openedReservations,
} from './reservation-store';

/** A change's answer: what its own request answers, or the error it throws. */
export type ChangeOutcome = { ok: ReservationChangeReply } | { error: unknown };

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

  confirm(reservationId: string, callId: string): Promise<ReservationChangeReply> {
    return this.one({ op: 'confirm', reservationId, callId });
  }

  release(reservationId: string): Promise<ReservationChangeReply> {
    return this.one({ op: 'release', reservationId });
  }

  callEnded(reservationId: string, wrapUpSeconds: number, callId?: string): Promise<ReservationChangeReply> {
    return this.one({ op: 'callEnded', reservationId, wrapUpSeconds, callId });
  }

  /**
   * Several changes in one transaction: the reservations locked in one statement (id order),
   * then, round by round, their agents locked in one statement (id order) and moved in
   * one. A round holds at most one change per reservation and per agent, so two changes of
   * one call (a confirm and its call end) apply one after the other, in the order given.
   * Each change is decided as alone: a refused one is answered its error, the others go on.
   */
  async changeMany(changes: ReservationChange[]): Promise<ChangeOutcome[]> {
    const reservationIds = [...new Set(changes.map((c) => c.reservationId))];
    const outcomes = await this.db.transaction(
      async (tx) => {
        const { reservations, now } = openedReservations(tx);
        const answered: ChangeOutcome[] = new Array<ChangeOutcome>(changes.length);
        let waiting = changes.map((_, index) => index);
        while (waiting.length > 0) {
          const round: number[] = [];
          const later: number[] = [];
          const taken = new Set<string>();
          for (const index of waiting) {
            const reservation = reservations.get(changes[index]!.reservationId);
            if (!reservation) {
              answered[index] = { error: notFound('reservation', changes[index]!.reservationId) };
            } else if (taken.has(reservation.reservation_id) || taken.has(reservation.agent_id)) {
              later.push(index);
            } else {
              taken.add(reservation.reservation_id).add(reservation.agent_id);
              round.push(index);
            }
          }
          await this.applyRound(
            tx,
            round.map((index) => ({ index, change: changes[index]! })),
            reservations,
            now,
            answered,
          );
          waiting = later;
        }
        return answered;
      },
      { opening: lockReservationsThenNow(reservationIds) },
    );
    for (const outcome of outcomes) {
      if ('ok' in outcome && outcome.ok.agent.wrapUpEndsAt)
        this.sweeper.wakeAt(new Date(outcome.ok.agent.wrapUpEndsAt));
    }
    return outcomes;
  }

  async get(reservationId: string): Promise<Reservation> {
    const { rows } = await this.db.query<ReservationRow>(
      `SELECT * FROM reservation WHERE reservation_id = $1`,
      [reservationId],
    );
    if (!rows[0]) throw notFound('reservation', reservationId);
    return reservationOf(rows[0]);
  }

  private async one(change: ReservationChange): Promise<ReservationChangeReply> {
    const [outcome] = await this.changeMany([change]);
    if ('error' in outcome!) throw outcome.error;
    return outcome!.ok;
  }

  /** One round of changeMany: distinct reservations, distinct agents. */
  private async applyRound(
    tx: AgentTx,
    round: Array<{ index: number; change: ReservationChange }>,
    reservations: Map<string, ReservationRow>,
    now: Date,
    answered: ChangeOutcome[],
  ): Promise<void> {
    const decided: Array<{ index: number; change: ReservationChange; decision: ReservationDecision }> = [];
    for (const { index, change } of round) {
      try {
        decided.push({
          index,
          change,
          decision: decide(change, reservations.get(change.reservationId)!, now),
        });
      } catch (error) {
        answered[index] = { error };
      }
    }
    for (const { index, change } of decided.filter((d) => d.decision === 'expireFirst')) {
      // Too late by database time: expire it now (committed with the rest), then refuse.
      const reservation = reservations.get(change.reservationId)!;
      reservations.set(change.reservationId, await expireReservation(tx, this.transitions, reservation, now));
      answered[index] = { error: new ReservationClosedError('expired', 'confirm') };
    }
    const rest = decided.filter((d) => d.decision !== 'expireFirst');
    if (rest.length === 0) return;
    // The agents locked in one statement: a replay reads its agent, a change moves it.
    const agents = await this.transitions.lockAgents(
      tx,
      rest.map((d) => reservations.get(d.change.reservationId)!.agent_id),
    );
    const moves: Array<{ index: number; change: ReservationChange; row: AgentRow; command: AgentCommand }> =
      [];
    for (const { index, change, decision } of rest) {
      const reservation = reservations.get(change.reservationId)!;
      const agent = agents.get(reservation.agent_id);
      if (!agent) {
        answered[index] = { error: notFound('agent', reservation.agent_id) };
      } else if (decision === 'replay') {
        answered[index] = {
          ok: { reservation: reservationOf(reservation), agent: statusOf(agent.agent_id, snapshotOf(agent)) },
        };
      } else {
        const command = commandOf(change);
        try {
          // The agent's rules first, so that one refusal does not fail the others' statement.
          applyAgentCommand(snapshotOf(agent), command, now);
          moves.push({ index, change, row: agent, command });
        } catch (error) {
          answered[index] = { error };
        }
      }
    }
    if (moves.length === 0) return;
    // The agents that move and their reservations closed in one statement.
    const applied = await this.transitions.applyMany(
      tx,
      moves.map(({ row, command }) => ({ row, command })),
      now,
      closeReservationsWith(
        moves.map(({ change, row }) => ({
          reservationId: change.reservationId,
          agentId: row.agent_id,
          ...closeOf(change),
        })),
        now,
      ),
    );
    for (const [i, { index, change }] of moves.entries()) {
      const { result, status } = applied[i]!;
      const close = closeOf(change);
      const reservation = reservations.get(change.reservationId)!;
      const closed = result.changed
        ? closedRow(reservation, close.status, now, close.callId)
        : await closeReservation(tx, change.reservationId, close.status, now, close.callId);
      reservations.set(change.reservationId, closed);
      answered[index] = { ok: { reservation: reservationOf(closed), agent: status } };
    }
  }
}

/** What a change leaves its reservation as (a confirm also records the call). */
function closeOf(change: ReservationChange): {
  status: 'confirmed' | 'released' | 'ended';
  callId: string | undefined;
} {
  if (change.op === 'confirm') return { status: 'confirmed', callId: change.callId };
  return { status: change.op === 'release' ? 'released' : 'ended', callId: undefined };
}

function commandOf(change: ReservationChange): AgentCommand {
  switch (change.op) {
    case 'confirm':
      return { type: 'confirm', reservationId: change.reservationId, callId: change.callId };
    case 'release':
      return { type: 'release', reservationId: change.reservationId };
    case 'callEnded':
      return { type: 'callEnded', reservationId: change.reservationId, wrapUpSeconds: change.wrapUpSeconds };
  }
}

/** The reservation policy's verdict on a change (it throws the typed refusal). */
function decide(change: ReservationChange, reservation: ReservationRow, now: Date): ReservationDecision {
  const facts = toFacts(reservation);
  switch (change.op) {
    case 'confirm':
      return decideConfirm(facts, change.callId, now);
    case 'release':
      return decideRelease(facts);
    case 'callEnded':
      return decideCallEnded(facts, change.callId);
  }
}

function toFacts(reservation: ReservationRow) {
  return { status: reservation.status, callId: reservation.call_id, expiresAt: reservation.expires_at };
}
