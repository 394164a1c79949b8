import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  AtsError,
  type Reservation,
  type ReserveAgentReply,
  type ReserveAgentRequest,
  type ReserveAgentsReply,
  type ReserveAgentsRequest,
} from '@autotelesale/contracts';
import { createCounter, createHistogram } from '@autotelesale/telemetry';
import { METRICS_REGISTRY } from '@autotelesale/service-kit';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import { AgentDatabase, type AgentTx } from '../db/agent-database';
import { SELECT_AGENT_WITH_NOW, reservationOf, type AgentRow, type ReservationRow } from '../db/agent-rows';
import { AgentTransitions } from '../states/agent-transitions';
import { DeadlineSweeper } from '../sweeper/deadline-sweeper';

/**
 * A ready agent the request may have ($1 eligible agent ids, $2 eligible group ids, $3
 * required skills): one definition for the single and the batch reserve.
 */
const READY_ELIGIBLE = `a.state = 'ready'
  AND (a.agent_id = ANY($1::uuid[])
       OR EXISTS (SELECT 1 FROM agent_group_member m
                   WHERE m.agent_id = a.agent_id AND m.group_id = ANY($2::uuid[])))
  AND a.skills @> $3::text[]`;

/** First key of the advisory locks taken on reservation ids (the two-key space is ours alone). */
const RESERVATION_ID_LOCK_SPACE = 4_711;

export type ReserveAgentCommand = z.output<typeof ReserveAgentRequest>;
export type ReserveAgentsCommand = z.output<typeof ReserveAgentsRequest>;

/**
 * Reserves the longest-idle ready agent among the eligible ones for a campaign's call.
 *
 * The mechanism (one per invariant, architecture.md): a PostgreSQL row lock plus a
 * single-row conditional UPDATE of the agent (`WHERE version = $seen`, done by
 * AgentTransitions). `SELECT ... ORDER BY state_since LIMIT 1 FOR UPDATE SKIP LOCKED`
 * gives each concurrent reserver a different ready agent without waiting (a row another
 * reserver holds is skipped, a row that stopped being ready is re-checked and skipped),
 * and the version check makes the write a compare-and-set. Chosen over JetStream KV
 * because the agent's state, its reservation, its interval and its event must change
 * atomically: with KV, availability would be a second source of truth to reconcile
 * after every crash between the KV write and the database write.
 */
@Injectable()
export class ReserveAgentUseCase {
  private readonly outcomes;
  private readonly duration;

  constructor(
    private readonly db: AgentDatabase,
    private readonly transitions: AgentTransitions,
    private readonly sweeper: DeadlineSweeper,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.outcomes = createCounter(registry, {
      name: 'autotelesale_agent_reservations_total',
      help: 'Reservation requests by outcome (reserved, no_agent, replayed)',
      labelNames: ['outcome'] as const,
    });
    this.duration = createHistogram(registry, {
      name: 'autotelesale_agent_reserve_duration_seconds',
      help: 'Time to answer a reservation request',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    });
  }

  async execute(command: ReserveAgentCommand): Promise<ReserveAgentReply> {
    const stopTimer = this.duration.startTimer();
    try {
      const reply = await this.reserve(command, command.reservationId ?? randomUUID());
      if ('replayed' in reply) {
        this.outcomes.inc({ outcome: 'replayed' });
        return { outcome: reply.outcome, reservation: reply.reservation };
      }
      this.outcomes.inc({ outcome: reply.outcome === 'reserved' ? 'reserved' : 'no_agent' });
      if (reply.outcome === 'reserved') this.sweeper.wakeAt(new Date(reply.reservation.expiresAt));
      return reply;
    } finally {
      stopTimer();
    }
  }

  /**
   * Up to `reservationIds.length` agents, the longest idle first, in one transaction: one
   * SELECT (the reservations already made under these ids, and as many more ready eligible
   * agents as are missing, `FOR UPDATE SKIP LOCKED` as for one), then one statement that
   * moves them all to reserved and writes their reservations (`AgentTransitions.applyMany`):
   * four round trips whatever the batch's size. Every id of the batch is an advisory lock,
   * so a retry waits for the first try.
   */
  async executeMany(command: ReserveAgentsCommand): Promise<ReserveAgentsReply> {
    const stopTimer = this.duration.startTimer();
    try {
      const reservations = await this.db.transaction((tx) => this.reserveMany(tx, command), {
        lane: 'reserve',
        // Every id of the batch: a retry (or a single reserve) naming any of them waits for
        // this one and then finds its reservation, whatever the ids' order.
        advisoryLock: { space: RESERVATION_ID_LOCK_SPACE, keys: command.reservationIds },
      });
      const made = reservations.filter((r) => !r.replayed);
      this.outcomes.inc({ outcome: 'reserved' }, made.length);
      this.outcomes.inc({ outcome: 'replayed' }, reservations.length - made.length);
      if (reservations.length < command.reservationIds.length) this.outcomes.inc({ outcome: 'no_agent' });
      const earliest = made.map((r) => Date.parse(r.reservation.expiresAt)).sort((a, b) => a - b)[0];
      if (earliest !== undefined) this.sweeper.wakeAt(new Date(earliest));
      return { reservations: reservations.map((r) => r.reservation) };
    } finally {
      stopTimer();
    }
  }

  private async reserveMany(
    tx: AgentTx,
    command: ReserveAgentsCommand,
  ): Promise<Array<{ reservation: Reservation; replayed: boolean }>> {
    const ids = command.reservationIds;
    const { rows: existing } = await tx.query<{ existing: ExistingReservationJson }>(
      `SELECT to_jsonb(r) AS existing FROM reservation r WHERE r.reservation_id = ANY($1::uuid[])`,
      [ids],
    );
    const done: Array<{ reservation: Reservation; replayed: boolean }> = existing.map((row) => ({
      reservation: this.replay(command, row.existing),
      replayed: true,
    }));
    const used = new Set(existing.map((row) => row.existing.reservation_id));
    const free = ids.filter((id) => !used.has(id));
    if (free.length === 0) return done;
    const { rows: agents } = await tx.query<AgentRow & { db_now: Date }>(
      `${SELECT_AGENT_WITH_NOW}
        WHERE ${READY_ELIGIBLE}
        ORDER BY a.state_since, a.agent_id
        LIMIT $4
        FOR UPDATE OF a SKIP LOCKED`,
      [command.eligibleAgentIds, command.eligibleGroupIds, command.requiredSkills, free.length],
    );
    const reservations = await this.reserveRows(
      tx,
      agents.map((agent, i) => ({ agent, reservationId: free[i]! })),
      agents[0]?.db_now ?? new Date(),
      { campaignId: command.campaignId, callId: null, timeoutMs: command.timeoutMs },
    );
    for (const reservation of reservations) done.push({ reservation, replayed: false });
    return done;
  }

  /**
   * Four round trips (BEGIN, one SELECT, one write, COMMIT), down from seven: the lock on
   * a caller-chosen reservation id goes with BEGIN, the lookup of that id and the choice
   * of the agent are one statement, and the reservation is written in the agent's
   * transition statement. Requests with one reservation id take turns (the lock, held to
   * commit), so a retry sent while the first is still running waits and then finds it.
   */
  private reserve(
    command: ReserveAgentCommand,
    reservationId: string,
  ): Promise<ReserveAgentReply | { outcome: 'reserved'; reservation: Reservation; replayed: true }> {
    return this.db.transaction((tx) => this.reserveOnce(tx, command, reservationId), {
      lane: 'reserve',
      ...(command.reservationId
        ? { advisoryLock: { space: RESERVATION_ID_LOCK_SPACE, key: reservationId } }
        : {}),
    });
  }

  private async reserveOnce(
    tx: AgentTx,
    command: ReserveAgentCommand,
    reservationId: string,
  ): Promise<ReserveAgentReply | { outcome: 'reserved'; reservation: Reservation; replayed: true }> {
    // The reservation already made under this id, if any; else the longest-idle ready
    // eligible agent no concurrent reserver holds, locked. The clock in the same statement:
    // its only row lock never waits (SKIP LOCKED), so the time is read after every lock.
    const { rows } = await tx.query<AgentRow & { db_now: Date; existing: ExistingReservationJson | null }>(
      `SELECT (SELECT to_jsonb(r) FROM reservation r WHERE r.reservation_id = $4) AS existing, c.*
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (
           ${SELECT_AGENT_WITH_NOW}
            WHERE NOT EXISTS (SELECT 1 FROM reservation r WHERE r.reservation_id = $4)
              AND ${READY_ELIGIBLE}
            ORDER BY a.state_since, a.agent_id
            LIMIT 1
            FOR UPDATE OF a SKIP LOCKED
         ) c ON true`,
      [command.eligibleAgentIds, command.eligibleGroupIds, command.requiredSkills, reservationId],
    );
    const found = rows[0]!;
    if (found.existing) {
      return {
        outcome: 'reserved' as const,
        reservation: this.replay(command, found.existing),
        replayed: true as const,
      };
    }
    if (found.agent_id === null) return { outcome: 'noAgent' as const };
    const [reservation] = await this.reserveRows(tx, [{ agent: found, reservationId }], found.db_now, {
      campaignId: command.campaignId,
      callId: command.callId ?? null,
      timeoutMs: command.timeoutMs,
    });
    return { outcome: 'reserved' as const, reservation };
  }

  /**
   * The agents (locked, ready) move to reserved, each under its reservation id, and their
   * reservation rows are written: one statement for all of them.
   */
  private async reserveRows(
    tx: AgentTx,
    picks: Array<{ agent: AgentRow; reservationId: string }>,
    now: Date,
    command: { campaignId: string; callId: string | null; timeoutMs: number },
  ): Promise<Reservation[]> {
    if (picks.length === 0) return [];
    const callId = command.callId;
    const applied = await this.transitions.applyMany(
      tx,
      picks.map(({ agent, reservationId }) => ({
        row: agent,
        command: {
          type: 'reserve' as const,
          reservationId,
          campaignId: command.campaignId,
          callId,
          timeoutMs: command.timeoutMs,
        },
      })),
      now,
      {
        // The reservations as the agents' new rows have them: one source for their fields.
        cte: (p) =>
          `INSERT INTO reservation (reservation_id, agent_id, campaign_id, call_id, extension, status, created_at, expires_at)
           SELECT reservation_id, agent_id, campaign_id, call_id, session_extension, 'pending', state_since, reservation_expires_at
             FROM moved WHERE reservation_id = ANY($${p}::uuid[])`,
        values: [picks.map((pick) => pick.reservationId)],
      },
    );
    return picks.map(({ agent, reservationId }, i) => {
      const reservation: ReservationRow = {
        reservation_id: reservationId,
        agent_id: agent.agent_id,
        campaign_id: command.campaignId,
        call_id: callId,
        extension: agent.session_extension!,
        status: 'pending',
        created_at: now,
        expires_at: new Date(applied[i]!.status.reservationExpiresAt!),
        confirmed_at: null,
        closed_at: null,
      };
      return reservationOf(reservation);
    });
  }

  /** A reserve retried with a reservation id already used answers that reservation. */
  private replay(command: { campaignId: string }, existing: ExistingReservationJson): Reservation {
    if (existing.campaign_id !== command.campaignId) {
      throw new AtsError('CONFLICT', `reservation ${existing.reservation_id} belongs to another campaign`, {
        reason: 'RESERVATION_ID_REUSED',
      });
    }
    const date = (value: string | null) => (value === null ? null : new Date(value));
    return reservationOf({
      ...existing,
      created_at: new Date(existing.created_at),
      expires_at: new Date(existing.expires_at),
      confirmed_at: date(existing.confirmed_at),
      closed_at: date(existing.closed_at),
    });
  }
}

/** A reservation row as `to_jsonb` gives it: times as ISO strings. */
type ExistingReservationJson = Omit<
  ReservationRow,
  'created_at' | 'expires_at' | 'confirmed_at' | 'closed_at'
> & {
  created_at: string;
  expires_at: string;
  confirmed_at: string | null;
  closed_at: string | null;
};
