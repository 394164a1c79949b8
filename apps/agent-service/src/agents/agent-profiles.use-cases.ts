import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  AtsError,
  agentCreatedEvent,
  agentDeletedEvent,
  agentUpdatedEvent,
  type Agent,
  type AgentState,
  type CreateAgentRequest,
  type UpdateAgentRequest,
} from '@autotelesale/contracts';
import type { z } from 'zod';
import { AgentDatabase, isUniqueViolation, notFound, type AgentTx } from '../db/agent-database';
import { SELECT_AGENT, agentOf, type AgentRow } from '../db/agent-rows';
import { AgentTransitions } from '../states/agent-transitions';

type CreateAgentCommand = z.output<typeof CreateAgentRequest>;
type UpdateAgentCommand = z.output<typeof UpdateAgentRequest>;

function extensionTaken(extension: string): AtsError {
  return new AtsError('CONFLICT', `extension ${extension} belongs to another agent`, {
    reason: 'EXTENSION_TAKEN',
    extension,
  });
}

const profileOf = (row: AgentRow) => ({
  agentId: row.agent_id,
  name: row.name,
  extension: row.extension,
  skills: row.skills,
  groupIds: row.group_ids,
});

/** Agents' profiles: name, own extension, skills, groups. Every change is a new version and an event. */
@Injectable()
export class AgentProfilesUseCases {
  constructor(
    private readonly db: AgentDatabase,
    private readonly transitions: AgentTransitions,
  ) {}

  async create(command: CreateAgentCommand): Promise<Agent> {
    const agentId = command.agentId ?? randomUUID();
    try {
      return await this.db.transaction(async (tx) => {
        const now = await tx.now();
        await tx.query(
          `INSERT INTO agent (agent_id, name, extension, skills, version, state, state_since, created_at, updated_at)
           VALUES ($1, $2, $3, $4, 1, 'logged_out', $5, $5, $5)`,
          [agentId, command.name, command.extension, uniqueSorted(command.skills), now],
        );
        await this.setGroups(tx, agentId, command.groupIds);
        const row = await this.read(tx, agentId);
        await this.transitions.enqueueProfileEvent(tx, agentCreatedEvent, agentId, 1, profileOf(row));
        return agentOf(row);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'agent_pkey')) return this.replayCreate(agentId, command);
      if (isUniqueViolation(error, 'agent_extension_key')) throw extensionTaken(command.extension);
      throw error;
    }
  }

  async update(command: UpdateAgentCommand): Promise<Agent> {
    try {
      return await this.db.transaction(async (tx) => {
        const row = await this.transitions.lockAgent(tx, command.agentId);
        if (command.expectedVersion !== undefined && command.expectedVersion !== row.version) {
          throw new AtsError('CONFLICT', `agent ${row.agent_id} is at version ${row.version}`, {
            reason: 'VERSION_MISMATCH',
            version: row.version,
            expectedVersion: command.expectedVersion,
          });
        }
        const now = await tx.now();
        await tx.query(
          `UPDATE agent SET name = $2, extension = $3, skills = $4, version = version + 1, updated_at = $5
            WHERE agent_id = $1`,
          [
            row.agent_id,
            command.name ?? row.name,
            command.extension ?? row.extension,
            command.skills ? uniqueSorted(command.skills) : row.skills,
            now,
          ],
        );
        if (command.groupIds) await this.setGroups(tx, row.agent_id, command.groupIds);
        const updated = await this.read(tx, row.agent_id);
        await this.transitions.enqueueProfileEvent(
          tx,
          agentUpdatedEvent,
          row.agent_id,
          updated.version,
          profileOf(updated),
        );
        return agentOf(updated);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'agent_extension_key')) throw extensionTaken(command.extension!);
      throw error;
    }
  }

  /** Only a logged-out agent can be deleted: one with a session may be about to get a call. */
  delete(agentId: string): Promise<{ agentId: string; deleted: true }> {
    return this.db.transaction(async (tx) => {
      const row = await this.transitions.lockAgent(tx, agentId);
      if (row.state !== 'logged_out') {
        throw new AtsError('CONFLICT', `agent ${agentId} is ${row.state}: log it out first`, {
          reason: 'ILLEGAL_TRANSITION',
          state: row.state,
          command: 'delete',
        });
      }
      await tx.query(`DELETE FROM agent WHERE agent_id = $1`, [agentId]);
      await this.transitions.enqueueProfileEvent(tx, agentDeletedEvent, agentId, row.version + 1, {
        agentId,
      });
      return { agentId, deleted: true as const };
    });
  }

  async get(agentId: string): Promise<Agent> {
    const { rows } = await this.db.query<AgentRow>(`${SELECT_AGENT} WHERE a.agent_id = $1`, [agentId]);
    if (!rows[0]) throw notFound('agent', agentId);
    return agentOf(rows[0]);
  }

  /** Pages in agent id order; the cursor is the last id of the previous page. */
  async list(filter: {
    groupId?: string;
    states?: AgentState[];
    limit: number;
    cursor?: string;
  }): Promise<{ items: Agent[]; nextCursor: string | null }> {
    const { rows } = await this.db.query<AgentRow>(
      `${SELECT_AGENT}
        WHERE ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM agent_group_member m
                                            WHERE m.agent_id = a.agent_id AND m.group_id = $1))
          AND ($2::agent_state[] IS NULL OR a.state = ANY($2::agent_state[]))
          AND ($3::text IS NULL OR a.agent_id::text > $3)
        ORDER BY a.agent_id::text
        LIMIT $4`,
      [filter.groupId ?? null, filter.states ?? null, filter.cursor ?? null, filter.limit + 1],
    );
    const page = rows.slice(0, filter.limit);
    return {
      items: page.map(agentOf),
      nextCursor: rows.length > filter.limit ? page[page.length - 1]!.agent_id : null,
    };
  }

  private async replayCreate(agentId: string, command: CreateAgentCommand): Promise<Agent> {
    const existing = await this.get(agentId);
    const same =
      existing.name === command.name &&
      existing.extension === command.extension &&
      JSON.stringify(existing.skills) === JSON.stringify(uniqueSorted(command.skills)) &&
      JSON.stringify(existing.groupIds) === JSON.stringify([...new Set(command.groupIds)].sort());
    if (!same) {
      throw new AtsError('CONFLICT', `agent ${agentId} exists with other fields`, {
        reason: 'AGENT_ID_REUSED',
      });
    }
    return existing;
  }

  private async setGroups(tx: AgentTx, agentId: string, groupIds: string[]): Promise<void> {
    await tx.query(`DELETE FROM agent_group_member WHERE agent_id = $1`, [agentId]);
    if (groupIds.length === 0) return;
    const inserted = await tx.query(
      `INSERT INTO agent_group_member (group_id, agent_id)
       SELECT g.group_id, $1 FROM agent_group g WHERE g.group_id = ANY($2::uuid[])`,
      [agentId, groupIds],
    );
    const wanted = new Set(groupIds).size;
    if (inserted.rowCount !== wanted) {
      throw new AtsError('NOT_FOUND', 'some of the groups do not exist', { groupIds });
    }
  }

  private async read(tx: AgentTx, agentId: string): Promise<AgentRow> {
    const { rows } = await tx.query<AgentRow>(`${SELECT_AGENT} WHERE a.agent_id = $1`, [agentId]);
    return rows[0]!;
  }
}

function uniqueSorted(values: string[]): string[] {
  return [...new Set(values)].sort();
}
