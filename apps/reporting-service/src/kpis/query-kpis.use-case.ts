import { Injectable } from '@nestjs/common';
import type { KpiRow, QueryKpisReply, QueryKpisRequest } from '@autotelesale/contracts';
import {
  attributeAgentTime,
  bucketGrid,
  bucketsOf,
  computeKpis,
  rowKey,
  type AgentTime,
  type CallAggregate,
  type SalesAggregate,
} from '@autotelesale/reporting-domain';
import { ReportingDatabase } from '../db/reporting-database';
import { readAgentStateSeconds, readCallAggregates, readSalesAggregates } from './kpi-queries';

/**
 * KPIs per group (campaign, agent, or everything) and bucket: three aggregate queries
 * (calls, agent time, sales) joined on (group, bucket) and turned into KPIs by
 * reporting-domain. A group has a row in a bucket when it had calls, agent time or sales.
 */
@Injectable()
export class QueryKpisUseCase {
  constructor(private readonly db: ReportingDatabase) {}

  async execute(request: QueryKpisRequest): Promise<QueryKpisReply> {
    const from = new Date(request.from);
    const to = new Date(request.to);
    const buckets = bucketsOf(from, to, request.interval);
    const grid = bucketGrid(from, to, request.interval);
    const scope = {
      from,
      to,
      grid,
      groupBy: request.groupBy,
      campaignIds: request.campaignIds,
      agentIds: request.agentIds,
    };
    const [calls, stateSeconds, sales] = await Promise.all([
      readCallAggregates(this.db, scope),
      readAgentStateSeconds(this.db, buckets, request.agentIds),
      readSalesAggregates(this.db, scope),
    ]);
    const campaigns = request.campaignIds ? new Set(request.campaignIds) : undefined;
    const agentTime = attributeAgentTime(stateSeconds, request.groupBy, campaigns);

    const rows = new Map<
      string,
      { group: string; bucketMs: number; calls?: CallAggregate; sales?: SalesAggregate; agents?: AgentTime }
    >();
    const entry = (group: string, bucketMs: number) => {
      const key = rowKey(group, bucketMs);
      const row = rows.get(key) ?? { group, bucketMs };
      rows.set(key, row);
      return row;
    };
    for (const c of calls) entry(c.group, c.bucketMs).calls = c.calls;
    for (const s of sales) entry(s.group, s.bucketMs).sales = s.sales;
    for (const [key, time] of agentTime) {
      const [group, bucketMs] = [
        key.slice(0, key.lastIndexOf('|')),
        Number(key.slice(key.lastIndexOf('|') + 1)),
      ];
      if (request.agentIds && request.groupBy === 'agent' && !request.agentIds.includes(group)) continue;
      entry(group, bucketMs).agents = time;
    }
    const bucketEnd = new Map(buckets.map((b) => [b.start.getTime(), b.end]));
    const result: KpiRow[] = [...rows.values()]
      .filter((r) => bucketEnd.has(r.bucketMs))
      .sort((a, b) => (a.group === b.group ? a.bucketMs - b.bucketMs : a.group < b.group ? -1 : 1))
      .map((r) => ({
        campaignId: request.groupBy === 'campaign' ? r.group : null,
        agentId: request.groupBy === 'agent' ? r.group : null,
        bucketStart: new Date(r.bucketMs).toISOString(),
        bucketEnd: bucketEnd.get(r.bucketMs)!.toISOString(),
        kpis: computeKpis(r.calls, r.agents, r.sales),
      }));
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      interval: request.interval,
      groupBy: request.groupBy,
      rows: result,
    };
  }
}
