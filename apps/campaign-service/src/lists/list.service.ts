import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AtsError, type ContactList } from '@autotelesale/contracts';
import { assertCampaignOpen, escapeFormula } from '@autotelesale/campaign-domain';
import { PrismaService } from '../db/prisma.service';
import { decodeCursor, encodeCursor } from '../db/sql';
import { CampaignService } from '../campaigns/campaign.service';

type ListRecord = { id: string; campaignId: string; name: string; defaultRegion: string; createdAt: Date };

/** Contact lists of a campaign (simple rows: Prisma). */
@Injectable()
export class ListService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly campaigns: CampaignService,
  ) {}

  async create(request: {
    campaignId: string;
    name: string;
    defaultRegion?: string;
    idempotencyKey?: string;
  }) {
    const campaign = await this.campaigns.get(request.campaignId);
    assertCampaignOpen(campaign.status, 'new lists');
    if (request.idempotencyKey) {
      const existing = await this.prisma.contactList.findFirst({
        where: { campaignId: request.campaignId, idempotencyKey: request.idempotencyKey },
      });
      if (existing) return this.view(existing);
    }
    try {
      const created = await this.prisma.contactList.create({
        data: {
          id: randomUUID(),
          campaignId: request.campaignId,
          name: request.name,
          defaultRegion: request.defaultRegion ?? campaign.defaultRegion,
          idempotencyKey: request.idempotencyKey ?? null,
        },
      });
      return this.view(created);
    } catch (error) {
      // A concurrent create with the same key: return that one.
      if (request.idempotencyKey && (error as { code?: string }).code === 'P2002') {
        const existing = await this.prisma.contactList.findFirst({
          where: { campaignId: request.campaignId, idempotencyKey: request.idempotencyKey },
        });
        if (existing) return this.view(existing);
      }
      throw error;
    }
  }

  async get(listId: string): Promise<ContactList> {
    const list = await this.prisma.contactList.findUnique({ where: { id: listId } });
    if (!list) throw new AtsError('NOT_FOUND', `list ${listId} not found`);
    return this.view(list);
  }

  /** A campaign's lists, oldest first, a page at a time (keyset on creation time and id). */
  async listForCampaign(
    campaignId: string,
    page: { limit: number; cursor?: string } = { limit: 50 },
  ): Promise<{ items: ContactList[]; nextCursor: string | null }> {
    await this.campaigns.get(campaignId);
    const after = keysetAfter(page.cursor);
    const lists = await this.prisma.contactList.findMany({
      where: {
        campaignId,
        ...(after && {
          OR: [{ createdAt: { gt: after.t } }, { createdAt: after.t, id: { gt: after.id } }],
        }),
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: page.limit + 1,
    });
    const items = lists.slice(0, page.limit);
    const last = items[items.length - 1];
    return {
      items: await Promise.all(items.map((l) => this.view(l))),
      nextCursor:
        lists.length > page.limit && last
          ? encodeCursor({ t: last.createdAt.toISOString(), id: last.id })
          : null,
    };
  }

  private async view(list: ListRecord): Promise<ContactList> {
    // Contacts the list brought in: its imports' accepted rows (merged rows were already contacts).
    const imports = await this.prisma.listImport.aggregate({
      where: { listId: list.id },
      _sum: { accepted: true },
    });
    const contactCount = imports._sum.accepted ?? 0;
    return {
      id: list.id,
      campaignId: list.campaignId,
      name: escapeFormula(list.name),
      defaultRegion: list.defaultRegion,
      contactCount,
      createdAt: list.createdAt.toISOString(),
    };
  }
}

/** The (creation time, id) a page continues after; a cursor we did not issue is refused. */
export function keysetAfter(cursor: string | undefined): { t: Date; id: string } | null {
  if (cursor === undefined) return null;
  const decoded = decodeCursor<{ t?: unknown; id?: unknown }>(cursor);
  const t = typeof decoded?.t === 'string' ? new Date(decoded.t) : null;
  if (!t || Number.isNaN(t.getTime()) || typeof decoded?.id !== 'string') {
    throw new AtsError('VALIDATION_FAILED', 'cursor is not one this service issued', { cursor });
  }
  return { t, id: decoded.id };
}
