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

  async list(filter: {
    agentIds?: string[];
    groupIds?: string[];
    states?: AgentState[];
  }): Promise<AgentStatus[]> {
    const { rows } = await this.db.query<AgentRow>(
      `${SELECT_AGENT}
        WHERE ($1::uuid[] IS NULL OR a.agent_id = ANY($1::uuid[]))
          AND ($2::uuid[] IS NULL OR EXISTS (SELECT 1 FROM agent_group_member m
                                              WHERE m.agent_id = a.agent_id AND m.group_id = ANY($2::uuid[])))
          AND ($3::agent_state[] IS NULL OR a.state = ANY($3::agent_state[]))
        ORDER BY a.agent_id`,
      [filter.agentIds ?? null, filter.groupIds ?? null, filter.states ?? null],
    );
    return rows.map((row) => statusOf(row.agent_id, snapshotOf(row)));
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
