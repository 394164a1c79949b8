import { Injectable } from '@nestjs/common';
import type { QueryIntervalsReply } from '@autotelesale/contracts';
import { clipIntervals, totalStateSeconds, type StateInterval } from '@autotelesale/agent-domain';
import { AgentDatabase } from '../db/agent-database';
import { PrismaService } from '../db/prisma.service';

/**
 * Time per state (and campaign) of one agent over a range. Intervals outlive a deleted
 * agent (history), so an unknown agent simply has none. The open interval counts until
 * the database's now.
 */
@Injectable()
export class QueryIntervalsUseCase {
  constructor(
    private readonly prisma: PrismaService,
    private readonly db: AgentDatabase,
  ) {}

  async execute(query: {
    agentId: string;
    from: string;
    to: string;
    campaignId?: string;
  }): Promise<QueryIntervalsReply> {
    const from = new Date(query.from);
    const to = new Date(query.to);
    const rows = await this.prisma.agentStateInterval.findMany({
      where: {
        agentId: query.agentId,
        startedAt: { lt: to },
        OR: [{ endedAt: null }, { endedAt: { gt: from } }],
        ...(query.campaignId ? { campaignId: query.campaignId } : {}),
      },
      orderBy: { startedAt: 'asc' },
    });
    const { rows: clock } = await this.db.query<{ now: Date }>(`SELECT clock_timestamp() AS now`);
    const now = clock[0]!.now;
    const intervals: StateInterval[] = rows.map((r) => ({
      state: r.state,
      campaignId: r.campaignId,
      reasonCode: r.reasonCode,
      startedAt: r.startedAt,
      endedAt: r.endedAt,
    }));
    return {
      agentId: query.agentId,
      from: from.toISOString(),
      to: to.toISOString(),
      intervals: clipIntervals(intervals, from, to, now).map((i) => ({
        agentId: query.agentId,
        state: i.state,
        campaignId: i.campaignId,
        reasonCode: i.reasonCode,
        startedAt: i.startedAt.toISOString(),
        endedAt: i.endedAt?.toISOString() ?? null,
      })),
      totals: totalStateSeconds(intervals, from, to, now),
    };
  }
}
