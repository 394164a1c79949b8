import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  AtsError,
  type Reservation,
  type ReserveAgentReply,
  type ReserveAgentRequest,
} from '@autotelesale/contracts';
import { createCounter, createHistogram } from '@autotelesale/telemetry';
import { METRICS_REGISTRY } from '@autotelesale/service-kit';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import { AgentDatabase, type AgentTx } from '../db/agent-database';
import { SELECT_AGENT_WITH_NOW, reservationOf, type AgentRow, type ReservationRow } from '../db/agent-rows';
import { AgentTransitions } from '../states/agent-transitions';
import { DeadlineSweeper } from '../sweeper/deadline-sweeper';

/** First key of the advisory locks taken on reservation ids (the two-key space is ours alone). */
const RESERVATION_ID_LOCK_SPACE = 4_711;

export type ReserveAgentCommand = z.output<typeof ReserveAgentRequest>;

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

  private reserve(
    command: ReserveAgentCommand,
    reservationId: string,
  ): Promise<ReserveAgentReply | { outcome: 'reserved'; reservation: Reservation; replayed: true }> {
    return this.db.transaction(async (tx) => {
      if (command.reservationId) {
        // Requests with one reservation id take turns (a lock on the id, held to commit),
        // so a retry sent while the first is still running waits and then finds it.
        await tx.query(`SELECT pg_advisory_xact_lock(${RESERVATION_ID_LOCK_SPACE}, hashtext($1))`, [
          reservationId,
        ]);
        const existing = await this.existing(tx, command);
        if (existing) return { outcome: 'reserved' as const, reservation: existing, replayed: true as const };
      }
      // The clock in the same statement: the row lock never waits (SKIP LOCKED) and the
      // reservation id's lock is held already, so the time is read after every lock.
      const { rows } = await tx.query<AgentRow & { db_now: Date }>(
        `${SELECT_AGENT_WITH_NOW}
          WHERE a.state = 'ready'
            AND (a.agent_id = ANY($1::uuid[])
                 OR EXISTS (SELECT 1 FROM agent_group_member m
                             WHERE m.agent_id = a.agent_id AND m.group_id = ANY($2::uuid[])))
            AND a.skills @> $3::text[]
          ORDER BY a.state_since, a.agent_id
          LIMIT 1
          FOR UPDATE OF a SKIP LOCKED`,
        [command.eligibleAgentIds, command.eligibleGroupIds, command.requiredSkills],
      );
      const agent = rows[0];
      if (!agent) return { outcome: 'noAgent' as const };
      const now = agent.db_now;
      const { status } = await this.transitions.apply(
        tx,
        agent,
        {
          type: 'reserve',
          reservationId,
          campaignId: command.campaignId,
          callId: command.callId ?? null,
          timeoutMs: command.timeoutMs,
        },
        now,
      );
      const inserted = await tx.query<ReservationRow>(
        `INSERT INTO reservation (reservation_id, agent_id, campaign_id, call_id, extension, status, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7)
         RETURNING *`,
        [
          reservationId,
          agent.agent_id,
          command.campaignId,
          command.callId ?? null,
          agent.session_extension,
          now,
          status.reservationExpiresAt,
        ],
      );
      return { outcome: 'reserved' as const, reservation: reservationOf(inserted.rows[0]!) };
    });
  }

  /** A reserve retried with a reservation id already used answers that reservation. */
  private async existing(tx: AgentTx, command: ReserveAgentCommand): Promise<Reservation | null> {
    const { rows } = await tx.query<ReservationRow>(`SELECT * FROM reservation WHERE reservation_id = $1`, [
      command.reservationId,
    ]);
    const existing = rows[0];
    if (!existing) return null;
    if (existing.campaign_id !== command.campaignId) {
      throw new AtsError('CONFLICT', `reservation ${existing.reservation_id} belongs to another campaign`, {
        reason: 'RESERVATION_ID_REUSED',
      });
    }
    return reservationOf(existing);
  }
}
