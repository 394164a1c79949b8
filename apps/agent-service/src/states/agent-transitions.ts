import { Inject, Injectable } from '@nestjs/common';
import {
  AtsError,
  agentStateChangedEvent,
  createEvent,
  type AgentStatus,
  type EventDefinition,
} from '@autotelesale/contracts';
import {
  applyAgentCommand,
  opensNewInterval,
  type AgentCommand,
  type AgentSnapshot,
  type TransitionResult,
} from '@autotelesale/agent-domain';
import { SERVICE_CONFIG, type ServiceConfig } from '@autotelesale/service-kit';
import type { z } from 'zod';
import { isUniqueViolation, notFound, type AgentTx } from '../db/agent-database';
import { SELECT_AGENT, snapshotOf, statusOf, type AgentRow } from '../db/agent-rows';
import { enqueueAgentEvent } from '../events/enqueue-agent-event';

/** A write that goes with a transition, in its statement (`cte(firstParam)` numbers its parameters from there). */
export interface AlsoWritten {
  cte: (firstParam: number) => string;
  values: unknown[];
}

export interface AppliedTransition {
  result: TransitionResult;
  status: AgentStatus;
}

/**
 * Applies state machine commands to stored agents: the one place where an agent's row,
 * its state intervals and its events change together, in the caller's transaction.
 */
@Injectable()
export class AgentTransitions {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: ServiceConfig) {}

  /** Locks the agent's row for the rest of the transaction. */
  async lockAgent(tx: AgentTx, agentId: string): Promise<AgentRow> {
    const { rows } = await tx.query<AgentRow>(`${SELECT_AGENT} WHERE a.agent_id = $1 FOR UPDATE OF a`, [
      agentId,
    ]);
    if (!rows[0]) throw notFound('agent', agentId);
    return rows[0];
  }

  /**
   * Applies a command to a locked agent; a refused command throws the domain's typed error.
   * `also` is written in the same statement, only if the agent moved (a CTE that reads
   * `moved`, the agent's new row): the reservation a reserve creates, with no round trip
   * of its own.
   */
  async apply(
    tx: AgentTx,
    row: AgentRow,
    command: AgentCommand,
    now: Date,
    expectedVersion?: number,
    also?: AlsoWritten,
  ): Promise<AppliedTransition> {
    if (expectedVersion !== undefined && expectedVersion !== row.version) {
      throw new AtsError(
        'CONFLICT',
        `agent ${row.agent_id} is at version ${row.version}, not ${expectedVersion}`,
        {
          reason: 'VERSION_MISMATCH',
          version: row.version,
          expectedVersion,
        },
      );
    }
    const before = snapshotOf(row);
    const result = applyAgentCommand(before, command, now);
    if (result.changed) await this.persist(tx, row.agent_id, before, result, now, also);
    return { result, status: statusOf(row.agent_id, result.snapshot) };
  }

  private async persist(
    tx: AgentTx,
    agentId: string,
    before: AgentSnapshot,
    result: Extract<TransitionResult, { changed: true }>,
    now: Date,
    also?: AlsoWritten,
  ): Promise<void> {
    const next = result.snapshot;
    const event = createEvent(agentStateChangedEvent, {
      aggregateId: agentId,
      aggregateVersion: next.version,
      producer: this.config.instanceId,
      occurredAt: now,
      payload: {
        agentId,
        from: result.from,
        to: result.to,
        cause: result.cause,
        at: next.stateSince.toISOString(),
        sessionExtension: next.sessionExtension,
        reasonCode: next.reasonCode,
        campaignId: next.campaignId,
        reservationId: next.reservationId,
        callId: next.callId,
        reservationExpiresAt: next.reservationExpiresAt?.toISOString() ?? null,
        wrapUpEndsAt: next.wrapUpEndsAt?.toISOString() ?? null,
      },
    });
    const newInterval = opensNewInterval(result);
    let moved: number;
    try {
      // One statement, one round trip: under load every statement waits its turn for the
      // database, and a transition used to take four (row, interval closed, interval
      // opened, outbox). The version check makes the row's UPDATE a compare-and-set even
      // for a caller that did not lock; the other parts read `moved`, so they do nothing
      // when it changed no row. The open interval is closed before the new one is
      // inserted (the insert waits for `closed` through its sub-select), which the
      // one-open-interval-per-agent index requires. Time logged out is nobody's working
      // time: it is the gap between intervals, so logging out opens none.
      const { rows } = await tx.query<{ moved: number }>(
        `WITH moved AS (
           UPDATE agent SET version = $3, state = $4, state_since = $5, session_extension = $6, reason_code = $7,
                  campaign_id = $8, reservation_id = $9, call_id = $10, reservation_expires_at = $11,
                  wrap_up_ends_at = $12, updated_at = $13
            WHERE agent_id = $1 AND version = $2
           RETURNING *
         ), closed AS (
           UPDATE agent_state_interval SET ended_at = $13
            WHERE $14::boolean AND ended_at IS NULL AND agent_id IN (SELECT agent_id FROM moved)
           RETURNING agent_id
         ), opened AS (
           INSERT INTO agent_state_interval (agent_id, state, campaign_id, reason_code, started_at)
           SELECT agent_id, $4::agent_state, $8::text, $7::text, $13::timestamptz FROM moved
            WHERE $15::boolean AND (SELECT count(*) FROM closed) >= 0
         ), queued AS (
           INSERT INTO agent_event_outbox (event_id, agent_id, version, envelope)
           SELECT $16::uuid, agent_id, $3::integer, $17::jsonb FROM moved
         )${also ? `, also AS (${also.cte(18)})` : ''}
         SELECT count(*)::int AS moved FROM moved`,
        [
          agentId,
          before.version,
          next.version,
          next.state,
          next.stateSince,
          next.sessionExtension,
          next.reasonCode,
          next.campaignId,
          next.reservationId,
          next.callId,
          next.reservationExpiresAt,
          next.wrapUpEndsAt,
          now,
          newInterval,
          newInterval && next.state !== 'logged_out',
          event.id,
          JSON.stringify(event),
          ...(also?.values ?? []),
        ],
      );
      moved = rows[0]?.moved ?? 0;
    } catch (error) {
      if (isUniqueViolation(error, 'agent_session_extension_key')) {
        throw new AtsError('CONFLICT', `extension ${next.sessionExtension} is in use by another session`, {
          reason: 'EXTENSION_TAKEN',
          extension: next.sessionExtension,
        });
      }
      throw error;
    }
    if (moved !== 1) {
      throw new AtsError('CONFLICT', `agent ${agentId} changed meanwhile`, { reason: 'VERSION_MISMATCH' });
    }
    tx.eventsEnqueued += 1;
  }

  /** Enqueues a profile event (created, updated, deleted) at the given version. */
  async enqueueProfileEvent<TType extends string, TPayload extends z.ZodType>(
    tx: AgentTx,
    definition: EventDefinition<TType, TPayload>,
    agentId: string,
    version: number,
    payload: z.input<TPayload>,
  ): Promise<void> {
    await enqueueAgentEvent(
      tx,
      createEvent(definition, {
        aggregateId: agentId,
        aggregateVersion: version,
        producer: this.config.instanceId,
        payload,
      }),
    );
  }
}
