import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AtsError, agentUpdatedEvent, type AgentGroup } from '@autotelesale/contracts';
import { AgentDatabase, isUniqueViolation, notFound, type AgentTx } from '../db/agent-database';
import { SELECT_AGENT, type AgentRow } from '../db/agent-rows';
import { PrismaService } from '../db/prisma.service';
import { AgentTransitions } from '../states/agent-transitions';

function nameTaken(name: string): AtsError {
  return new AtsError('CONFLICT', `a group named "${name}" exists`, { reason: 'GROUP_NAME_TAKEN', name });
}

/**
 * Agent groups and their members. A membership is part of each agent's profile
 * (`groupIds`), so adding or removing members bumps each changed agent's version with
 * an `agent.updated` event. Agents are locked in id order, so two group changes never
 * deadlock each other.
 */
@Injectable()
export class AgentGroupsUseCases {
  constructor(
    private readonly db: AgentDatabase,
    private readonly transitions: AgentTransitions,
    private readonly prisma: PrismaService,
  ) {}

  async create(command: { groupId?: string; name: string; agentIds: string[] }): Promise<AgentGroup> {
    const groupId = command.groupId ?? randomUUID();
    try {
      await this.db.transaction(async (tx) => {
        const now = await tx.now();
        await tx.query(
          `INSERT INTO agent_group (group_id, name, created_at, updated_at) VALUES ($1, $2, $3, $3)`,
          [groupId, command.name, now],
        );
        await this.changeMembers(tx, groupId, command.agentIds, 'add');
      });
    } catch (error) {
      if (isUniqueViolation(error, 'agent_group_pkey')) {
        const existing = await this.get(groupId);
        if (existing.name === command.name) return existing;
        throw new AtsError('CONFLICT', `group ${groupId} exists with another name`, {
          reason: 'GROUP_ID_REUSED',
        });
      }
      if (isUniqueViolation(error, 'agent_group_name_key')) throw nameTaken(command.name);
      throw error;
    }
    return this.get(groupId);
  }

  async get(groupId: string): Promise<AgentGroup> {
    const group = await this.prisma.agentGroup.findUnique({
      where: { groupId },
      include: { members: { select: { agentId: true }, orderBy: { agentId: 'asc' } } },
    });
    if (!group) throw notFound('group', groupId);
    return {
      groupId: group.groupId,
      name: group.name,
      agentIds: group.members.map((m) => m.agentId),
      createdAt: group.createdAt.toISOString(),
      updatedAt: group.updatedAt.toISOString(),
    };
  }

  /** Groups in name order, a page at a time; the cursor is the last group's (name, id). */
  async list(page: { limit: number; cursor?: string } = { limit: 100 }): Promise<{
    items: AgentGroup[];
    nextCursor: string | null;
  }> {
    const after = groupCursorAfter(page.cursor);
    const rows = await this.prisma.agentGroup.findMany({
      where: after
        ? { OR: [{ name: { gt: after.name } }, { name: after.name, groupId: { gt: after.groupId } }] }
        : {},
      orderBy: [{ name: 'asc' }, { groupId: 'asc' }],
      take: page.limit + 1,
      include: { members: { select: { agentId: true }, orderBy: { agentId: 'asc' } } },
    });
    const groups = rows.slice(0, page.limit);
    const last = groups[groups.length - 1];
    return {
      nextCursor:
        rows.length > page.limit && last
          ? Buffer.from(JSON.stringify({ name: last.name, groupId: last.groupId })).toString('base64url')
          : null,
      items: groups.map((group) => ({
        groupId: group.groupId,
        name: group.name,
        agentIds: group.members.map((m) => m.agentId),
        createdAt: group.createdAt.toISOString(),
        updatedAt: group.updatedAt.toISOString(),
      })),
    };
  }

  async rename(groupId: string, name: string): Promise<AgentGroup> {
    try {
      const { rowCount } = await this.db.query(
        `UPDATE agent_group SET name = $2, updated_at = now() WHERE group_id = $1`,
        [groupId, name],
      );
      if (rowCount !== 1) throw notFound('group', groupId);
    } catch (error) {
      if (isUniqueViolation(error, 'agent_group_name_key')) throw nameTaken(name);
      throw error;
    }
    return this.get(groupId);
  }

  async delete(groupId: string): Promise<{ groupId: string; deleted: true }> {
    await this.db.transaction(async (tx) => {
      await this.lockGroup(tx, groupId);
      const { rows } = await tx.query<{ agent_id: string }>(
        `SELECT agent_id FROM agent_group_member WHERE group_id = $1`,
        [groupId],
      );
      await this.changeMembers(
        tx,
        groupId,
        rows.map((r) => r.agent_id),
        'remove',
      );
      await tx.query(`DELETE FROM agent_group WHERE group_id = $1`, [groupId]);
    });
    return { groupId, deleted: true };
  }

  async addMembers(groupId: string, agentIds: string[]): Promise<AgentGroup> {
    await this.db.transaction(async (tx) => {
      await this.lockGroup(tx, groupId);
      await this.changeMembers(tx, groupId, agentIds, 'add');
    });
    return this.get(groupId);
  }

  async removeMembers(groupId: string, agentIds: string[]): Promise<AgentGroup> {
    await this.db.transaction(async (tx) => {
      await this.lockGroup(tx, groupId);
      await this.changeMembers(tx, groupId, agentIds, 'remove');
    });
    return this.get(groupId);
  }

  private async lockGroup(tx: AgentTx, groupId: string): Promise<void> {
    const { rowCount } = await tx.query(`SELECT 1 FROM agent_group WHERE group_id = $1 FOR UPDATE`, [
      groupId,
    ]);
    if (rowCount !== 1) throw notFound('group', groupId);
  }

  /** Adds or removes members; each agent whose groups change gets a new version and event. */
  private async changeMembers(tx: AgentTx, groupId: string, agentIds: string[], change: 'add' | 'remove') {
    const ids = [...new Set(agentIds)].sort();
    if (ids.length === 0) return;
    const { rows: agents } = await tx.query<{ agent_id: string }>(
      `SELECT agent_id FROM agent WHERE agent_id = ANY($1::uuid[]) ORDER BY agent_id FOR UPDATE`,
      [ids],
    );
    if (agents.length !== ids.length) {
      const found = new Set(agents.map((a) => a.agent_id));
      throw new AtsError('NOT_FOUND', 'some of the agents do not exist', {
        agentIds: ids.filter((id) => !found.has(id)),
      });
    }
    const { rows: changed } = await tx.query<{ agent_id: string }>(
      change === 'add'
        ? `INSERT INTO agent_group_member (group_id, agent_id) SELECT $1, unnest($2::uuid[])
           ON CONFLICT DO NOTHING RETURNING agent_id`
        : `DELETE FROM agent_group_member WHERE group_id = $1 AND agent_id = ANY($2::uuid[]) RETURNING agent_id`,
      [groupId, ids],
    );
    if (changed.length === 0) return;
    const now = await tx.now();
    const changedIds = changed.map((c) => c.agent_id);
    // Two statements: a data-modifying CTE's outer query would still see the old versions.
    await tx.query(
      `UPDATE agent SET version = version + 1, updated_at = $2 WHERE agent_id = ANY($1::uuid[])`,
      [changedIds, now],
    );
    const { rows: updated } = await tx.query<AgentRow>(`${SELECT_AGENT} WHERE a.agent_id = ANY($1::uuid[])`, [
      changedIds,
    ]);
    for (const row of updated) {
      await this.transitions.enqueueProfileEvent(tx, agentUpdatedEvent, row.agent_id, row.version, {
        agentId: row.agent_id,
        name: row.name,
        extension: row.extension,
        skills: row.skills,
        groupIds: row.group_ids,
      });
    }
  }
}

function groupCursorAfter(cursor: string | undefined): { name: string; groupId: string } | null {
  if (cursor === undefined) return null;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof value['name'] === 'string' && typeof value['groupId'] === 'string') {
      return { name: value['name'], groupId: value['groupId'] };
    }
  } catch {
    // not ours: refused below
  }
  throw new AtsError('VALIDATION_FAILED', 'cursor is not one this service issued', { cursor });
}
