import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { CAMPAIGN_POOL } from '../db/campaign-pool';
import {
  AtsError,
  type Contact,
  type ContactSelector,
  type ContactStatus,
  type Segment,
  type SegmentFilter,
} from '@autotelesale/contracts';
import { dealContacts, escapeFormula, normalizePhone } from '@autotelesale/campaign-domain';
import { encodeCursor, inTransaction, iso, queryOne, queryRows } from '../db/sql';
import { keysetAfter } from '../lists/list.service';
import { CampaignService } from '../campaigns/campaign.service';
import { CONTACT_WITH_CALLBACK, JOIN_CALLBACK, toContact, type ContactRow } from './contact-row';
import { segmentFilterSql } from './contact-filter-sql';
import { selectorSql } from './contact-selector-sql';
import { PrismaService } from '../db/prisma.service';
import { QUEUE_ORDER } from './queue-order';

/** Reading contacts, priorities, splitting among agents, segments. */
@Injectable()
export class ContactService {
  constructor(
    @Inject(CAMPAIGN_POOL) private readonly pool: Pool,
    private readonly prisma: PrismaService,
    private readonly campaigns: CampaignService,
  ) {}

  async get(contactId: string): Promise<Contact> {
    const row = await queryOne<ContactRow>(
      this.pool,
      `SELECT ${CONTACT_WITH_CALLBACK} FROM contact c ${JOIN_CALLBACK} WHERE c.id = $1`,
      [contactId],
    );
    if (!row) throw new AtsError('NOT_FOUND', `contact ${contactId} not found`);
    return toContact(row);
  }

  async list(
    request: ContactSelector & {
      status?: ContactStatus[];
      ownerAgentId?: string | null;
      phone?: string;
      limit: number;
      cursor?: string;
    },
  ) {
    const campaign = await this.campaigns.get(request.campaignId);
    const params: unknown[] = [];
    const clauses = [await selectorSql(this.pool, request, params)];
    if (request.status) {
      params.push(request.status);
      clauses.push(`c.status = ANY($${params.length}::text[])`);
    }
    if (request.ownerAgentId === null) clauses.push('c.owner_agent_id IS NULL');
    else if (request.ownerAgentId !== undefined) {
      params.push(request.ownerAgentId);
      clauses.push(`c.owner_agent_id = $${params.length}`);
    }
    if (request.phone !== undefined) {
      const phone = normalizePhone(request.phone, campaign.defaultRegion);
      if (!phone.ok) return { items: [], nextCursor: null };
      params.push(phone.e164);
      clauses.push(`c.phone = $${params.length}`);
    }
    if (request.cursor) {
      params.push(request.cursor);
      clauses.push(`c.phone > $${params.length}`);
    }
    params.push(request.limit + 1);
    const rows = await queryRows<ContactRow>(
      this.pool,
      `SELECT ${CONTACT_WITH_CALLBACK} FROM contact c ${JOIN_CALLBACK}
        WHERE ${clauses.join(' AND ')} ORDER BY c.phone LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, request.limit);
    return {
      items: page.map(toContact),
      // Paged by phone along the (campaign_id, phone) key: no index of its own to keep up.
      nextCursor: rows.length > request.limit ? page[page.length - 1]!.phone : null,
    };
  }

  async setPriority(request: ContactSelector & { priority: number }): Promise<{ updated: number }> {
    await this.campaigns.get(request.campaignId);
    const params: unknown[] = [];
    const where = await selectorSql(this.pool, request, params);
    params.push(request.priority);
    const result = await this.pool.query(
      `UPDATE contact c SET priority = $${params.length}, version = c.version + 1, updated_at = now() WHERE ${where}`,
      params,
    );
    return { updated: result.rowCount ?? 0 };
  }

  /** Deals the selected contacts (not finished; unowned ones unless told otherwise) to agents, in queue order. */
  async assign(
    request: ContactSelector & {
      agents: Array<{ agentId: string; weight: number }>;
      onlyUnassigned: boolean;
    },
  ) {
    await this.campaigns.get(request.campaignId);
    if (new Set(request.agents.map((a) => a.agentId)).size !== request.agents.length) {
      throw new AtsError('VALIDATION_FAILED', 'each agent once', [
        { path: 'agents', message: 'repeated agent' },
      ]);
    }
    return inTransaction(this.pool, async (tx) => {
      const params: unknown[] = [];
      const where = await selectorSql(tx, request, params);
      const rows = await queryRows<{ id: string }>(
        tx,
        `SELECT c.id FROM contact c WHERE ${where} AND c.status <> 'done'
           ${request.onlyUnassigned ? 'AND c.owner_agent_id IS NULL' : ''}
         ORDER BY ${QUEUE_ORDER} FOR UPDATE`,
        params,
      );
      const owners = dealContacts(rows.length, request.agents);
      if (rows.length > 0) {
        await tx.query(
          `UPDATE contact c SET owner_agent_id = u.owner, version = c.version + 1, updated_at = now()
             FROM unnest($1::uuid[], $2::text[]) AS u(id, owner) WHERE c.id = u.id`,
          [rows.map((r) => r.id), owners],
        );
      }
      const perAgent = request.agents.map((a) => ({ agentId: a.agentId, count: 0 }));
      const index = new Map(perAgent.map((p) => [p.agentId, p]));
      for (const owner of owners) index.get(owner)!.count++;
      return { assigned: rows.length, perAgent };
    });
  }

  // ------------------------------------------------------------------ segments (Prisma)

  async createSegment(request: {
    campaignId: string;
    name: string;
    filter: SegmentFilter;
  }): Promise<Segment> {
    await this.campaigns.get(request.campaignId);
    try {
      const segment = await this.prisma.segment.create({
        data: {
          id: randomUUID(),
          campaignId: request.campaignId,
          name: request.name,
          filter: request.filter,
        },
      });
      return this.segmentView(segment);
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') {
        throw new AtsError('CONFLICT', `a segment named ${request.name} exists`, { reason: 'NAME_TAKEN' });
      }
      throw error;
    }
  }

  async getSegment(segmentId: string) {
    const segment = await this.prisma.segment.findUnique({ where: { id: segmentId } });
    if (!segment) throw new AtsError('NOT_FOUND', `segment ${segmentId} not found`);
    const params: unknown[] = [segment.campaignId];
    const where = segmentFilterSql(segment.filter as SegmentFilter, params);
    const count = await queryOne<{ n: string }>(
      this.pool,
      `SELECT count(*) AS n FROM contact c WHERE c.campaign_id = $1 AND ${where}`,
      params,
    );
    return { ...this.segmentView(segment), contactCount: Number(count!.n) };
  }

  async listSegments(campaignId: string, page: { limit: number; cursor?: string } = { limit: 50 }) {
    await this.campaigns.get(campaignId);
    const after = keysetAfter(page.cursor);
    const segments = await this.prisma.segment.findMany({
      where: {
        campaignId,
        ...(after && {
          OR: [{ createdAt: { gt: after.t } }, { createdAt: after.t, id: { gt: after.id } }],
        }),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: page.limit + 1,
    });
    const items = segments.slice(0, page.limit);
    const last = items[items.length - 1];
    return {
      items: items.map((s) => this.segmentView(s)),
      nextCursor:
        segments.length > page.limit && last
          ? encodeCursor({ t: last.createdAt.toISOString(), id: last.id })
          : null,
    };
  }

  async deleteSegment(segmentId: string) {
    const result = await this.prisma.segment.deleteMany({ where: { id: segmentId } });
    return { deleted: result.count > 0 };
  }

  private segmentView(segment: {
    id: string;
    campaignId: string;
    name: string;
    filter: unknown;
    createdAt: Date;
  }): Segment {
    return {
      id: segment.id,
      campaignId: segment.campaignId,
      name: escapeFormula(segment.name),
      filter: segment.filter as SegmentFilter,
      createdAt: iso(segment.createdAt)!,
    };
  }
}
