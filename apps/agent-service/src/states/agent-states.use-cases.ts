import { Injectable } from '@nestjs/common';
import type { AgentState, AgentStatus } from '@autotelesale/contracts';
import type { AgentCommand } from '@autotelesale/agent-domain';
import { AgentDatabase, notFound } from '../db/agent-database';
import { SELECT_AGENT, snapshotOf, statusOf, type AgentRow } from '../db/agent-rows';
import { DeadlineSweeper } from '../sweeper/deadline-sweeper';
import { AgentTransitions } from './agent-transitions';

/** Session and state commands an agent (or a supervisor for them) gives. */
@Injectable()
export class AgentStatesUseCases {
  constructor(
    private readonly db: AgentDatabase,
    private readonly transitions: AgentTransitions,
    private readonly sweeper: DeadlineSweeper,
  ) {}

  login(agentId: string, extension?: string): Promise<AgentStatus> {
    return this.change(agentId, (row) => ({ type: 'login', extension: extension ?? row.extension }));
  }

  logout(agentId: string, expectedVersion?: number): Promise<AgentStatus> {
    return this.change(agentId, () => ({ type: 'logout' }), expectedVersion);
  }

  ready(agentId: string, expectedVersion?: number): Promise<AgentStatus> {
    return this.change(agentId, () => ({ type: 'ready' }), expectedVersion);
  }

  notReady(agentId: string, reasonCode: string, expectedVersion?: number): Promise<AgentStatus> {
    return this.change(agentId, () => ({ type: 'notReady', reasonCode }), expectedVersion);
  }

  async extendWrapUp(agentId: string, seconds: number, expectedVersion?: number): Promise<AgentStatus> {
    const status = await this.change(agentId, () => ({ type: 'wrapUpExtended', seconds }), expectedVersion);
    if (status.wrapUpEndsAt) this.sweeper.wakeAt(new Date(status.wrapUpEndsAt));
    return status;
  }

  completeWrapUp(
    agentId: string,
    notReadyReasonCode?: string,
    expectedVersion?: number,
  ): Promise<AgentStatus> {
    return this.change(agentId, () => ({ type: 'wrapUpCompleted', notReadyReasonCode }), expectedVersion);
  }

  async get(agentId: string): Promise<AgentStatus> {
    const { rows } = await this.db.query<AgentRow>(`${SELECT_AGENT} WHERE a.agent_id = $1`, [agentId]);
    if (!rows[0]) throw notFound('agent', agentId);
    return statusOf(agentId, snapshotOf(rows[0]));
  }

  /**
   * Live states by id / group / state; with `changedSince`, only the agents whose row
   * changed at or after it (`updated_at`: every change writes it with the database clock,
   * read inside its transaction, so never before that transaction began).
   *
   * `asOf` is a cursor a follower can pass back as `changedSince` without missing a
   * change, despite commit order: it is read *before* the rows, as the earliest start of
   * any transaction then open on the database (or the clock, when none is). A change the
   * rows do not show committed after they were read, so its transaction was open at that
   * first read or began after it: either way its `updated_at` is at or after `asOf`. A
   * long-open transaction (a forgotten psql) only holds the cursor back (bigger deltas).
   */
  async list(filter: {
    agentIds?: string[];
    groupIds?: string[];
    states?: AgentState[];
    changedSince?: string;
  }): Promise<{ items: AgentStatus[]; asOf: string }> {
    // One connection for both: under load the pool's queue, not the statements, is the wait.
    const { clock, rows } = await this.db.session(async (client) => {
      const before = await client.query<{ as_of: Date }>(
        `SELECT least(clock_timestamp(),
                      (SELECT min(xact_start) FROM pg_stat_activity
                        WHERE datname = current_database() AND xact_start IS NOT NULL AND pid <> pg_backend_pid()))
                  AS as_of`,
      );
      const agents = await client.query<AgentRow>(
        `${SELECT_AGENT}
          WHERE ($1::uuid[] IS NULL OR a.agent_id = ANY($1::uuid[]))
            AND ($2::uuid[] IS NULL OR EXISTS (SELECT 1 FROM agent_group_member m
                                                WHERE m.agent_id = a.agent_id AND m.group_id = ANY($2::uuid[])))
            AND ($3::agent_state[] IS NULL OR a.state = ANY($3::agent_state[]))
            AND ($4::timestamptz IS NULL OR a.updated_at >= $4::timestamptz)
          ORDER BY a.agent_id`,
        [
          filter.agentIds ?? null,
          filter.groupIds ?? null,
          filter.states ?? null,
          filter.changedSince ?? null,
        ],
      );
      return { clock: before.rows[0]!.as_of, rows: agents.rows };
    });
    // Changes store their clock truncated to milliseconds, and a JS Date drops the
    // microseconds of `xact_start`: 2 ms cover both.
    const asOf = new Date(clock.getTime() - 2).toISOString();
    return { items: rows.map((row) => statusOf(row.agent_id, snapshotOf(row))), asOf };
  }

  private change(
    agentId: string,
    command: (row: AgentRow) => AgentCommand,
    expectedVersion?: number,
  ): Promise<AgentStatus> {
    return this.db.transaction(async (tx) => {
      const row = await this.transitions.lockAgent(tx, agentId);
      const now = await tx.now();
      return (await this.transitions.apply(tx, row, command(row), now, expectedVersion)).status;
    });
  }
}
