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

  /** Locks several agents' rows (in id order: no deadlock with another batch), by id; an unknown id has none. */
  async lockAgents(tx: AgentTx, agentIds: string[]): Promise<Map<string, AgentRow>> {
    const { rows } = await tx.query<AgentRow>(
      `${SELECT_AGENT} WHERE a.agent_id = ANY($1::uuid[]) ORDER BY a.agent_id FOR UPDATE OF a`,
      [[...new Set(agentIds)]],
    );
    return new Map(rows.map((row) => [row.agent_id, row]));
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
    const [applied] = await this.applyMany(tx, [{ row, command }], now, also);
    return applied!;
  }

  /**
   * Applies one command to each of several locked agents, all in one statement (a batch
   * of reserves is one round trip, not one per agent). All or nothing: a refused command
   * throws before anything is written, and an agent changed meanwhile fails the whole
   * statement. `also` reads `moved`, every agent that moved.
   */
  async applyMany(
    tx: AgentTx,
    changes: Array<{ row: AgentRow; command: AgentCommand }>,
    now: Date,
    also?: AlsoWritten,
  ): Promise<AppliedTransition[]> {
    const applied = changes.map(({ row, command }) => {
      const before = snapshotOf(row);
      return { agentId: row.agent_id, before, result: applyAgentCommand(before, command, now) };
    });
    const moving = applied.filter(
      (a): a is typeof a & { result: Extract<TransitionResult, { changed: true }> } => a.result.changed,
    );
    if (moving.length > 0) await this.persist(tx, moving, now, also);
    return applied.map(({ agentId, result }) => ({ result, status: statusOf(agentId, result.snapshot) }));
  }

  private async persist(
    tx: AgentTx,
    moving: Array<{
      agentId: string;
      before: AgentSnapshot;
      result: Extract<TransitionResult, { changed: true }>;
    }>,
    now: Date,
    also?: AlsoWritten,
  ): Promise<void> {
    const column = <T>(of: (m: (typeof moving)[number]) => T): T[] => moving.map(of);
    const events = moving.map(({ agentId, result }) => {
      const next = result.snapshot;
      return createEvent(agentStateChangedEvent, {
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
    });
    let moved: number;
    try {
      // One statement, one round trip for any number of agents: under load every statement
      // waits its turn for the database, and a transition used to take four (row, interval
      // closed, interval opened, outbox). The version check makes each row's UPDATE a
      // compare-and-set even for a caller that did not lock; the other parts read `moved`,
      // so they do nothing for an agent that changed meanwhile. An agent's open interval is
      // closed before its new one is inserted (the insert waits for `closed` through its
      // sub-select), which the one-open-interval-per-agent index requires. Time logged out
      // is nobody's working time: it is the gap between intervals, so logging out opens none.
      // `agent_id = ANY($1)` beside the join: the prepared (generic) plan then finds the
      // agents by their key, where the join alone scanned every agent (0.66 ms a transition
      // with 1,200 agents, growing with the team).
      const { rows } = await tx.query<{ moved: number }>(
        `WITH change AS (
           SELECT * FROM unnest($1::uuid[], $2::integer[], $3::integer[], $4::agent_state[],
                                $5::timestamptz[], $6::text[], $7::text[], $8::text[], $9::uuid[],
                                $10::text[], $11::timestamptz[], $12::timestamptz[], $14::boolean[],
                                $15::boolean[], $16::uuid[], $17::jsonb[])
             AS c(agent_id, seen_version, version, state, state_since, session_extension, reason_code,
                  campaign_id, reservation_id, call_id, reservation_expires_at, wrap_up_ends_at,
                  closes_interval, opens_interval, event_id, envelope)
         ), moved AS (
           UPDATE agent a SET version = c.version, state = c.state, state_since = c.state_since,
                  session_extension = c.session_extension, reason_code = c.reason_code,
                  campaign_id = c.campaign_id, reservation_id = c.reservation_id, call_id = c.call_id,
                  reservation_expires_at = c.reservation_expires_at, wrap_up_ends_at = c.wrap_up_ends_at,
                  updated_at = $13
             FROM change c
            WHERE a.agent_id = ANY($1::uuid[]) AND a.agent_id = c.agent_id AND a.version = c.seen_version
           RETURNING a.*, c.closes_interval, c.opens_interval, c.event_id, c.envelope
         ), closed AS (
           UPDATE agent_state_interval i SET ended_at = $13
             FROM moved m
            WHERE m.closes_interval AND i.ended_at IS NULL AND i.agent_id = m.agent_id
           RETURNING i.agent_id
         ), opened AS (
           INSERT INTO agent_state_interval (agent_id, state, campaign_id, reason_code, started_at)
           SELECT agent_id, state, campaign_id, reason_code, $13::timestamptz FROM moved
            WHERE opens_interval AND (SELECT count(*) FROM closed) >= 0
         ), queued AS (
           INSERT INTO agent_event_outbox (event_id, agent_id, version, envelope)
           SELECT event_id, agent_id, version, envelope FROM moved
         )${also ? `, also AS (${also.cte(18)})` : ''}
         SELECT count(*)::int AS moved FROM moved`,
        [
          column((m) => m.agentId),
          column((m) => m.before.version),
          column((m) => m.result.snapshot.version),
          column((m) => m.result.snapshot.state),
          column((m) => m.result.snapshot.stateSince),
          column((m) => m.result.snapshot.sessionExtension),
          column((m) => m.result.snapshot.reasonCode),
          column((m) => m.result.snapshot.campaignId),
          column((m) => m.result.snapshot.reservationId),
          column((m) => m.result.snapshot.callId),
          column((m) => m.result.snapshot.reservationExpiresAt),
          column((m) => m.result.snapshot.wrapUpEndsAt),
          now,
          column((m) => opensNewInterval(m.result)),
          column((m) => opensNewInterval(m.result) && m.result.snapshot.state !== 'logged_out'),
          events.map((e) => e.id),
          events.map((e) => JSON.stringify(e)),
          ...(also?.values ?? []),
        ],
      );
      moved = rows[0]?.moved ?? 0;
    } catch (error) {
      if (isUniqueViolation(error, 'agent_session_extension_key')) {
        const extension = moving.find((m) => m.result.snapshot.sessionExtension)?.result.snapshot
          .sessionExtension;
        throw new AtsError('CONFLICT', `extension ${extension} is in use by another session`, {
          reason: 'EXTENSION_TAKEN',
          extension,
        });
      }
      throw error;
    }
    if (moved !== moving.length) {
      const agents = moving.map((m) => m.agentId).join(', ');
      throw new AtsError('CONFLICT', `agent ${agents} changed meanwhile`, { reason: 'VERSION_MISMATCH' });
    }
    tx.eventsEnqueued += moving.length;
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
