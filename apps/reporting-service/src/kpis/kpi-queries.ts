import type { KpiGroupBy } from '@autotelesale/contracts';
import type {
  AgentStateSeconds,
  BucketGrid,
  CallAggregate,
  SalesAggregate,
  TimeBucket,
} from '@autotelesale/reporting-domain';
import type { ReportingDatabase } from '../db/reporting-database';

export interface KpiScope {
  from: Date;
  to: Date;
  grid: BucketGrid;
  groupBy: KpiGroupBy;
  campaignIds?: readonly string[];
  agentIds?: readonly string[];
}

/** The SQL of a call's bucket start (ms): the grid's bucket of `column`, clipped to `from`. */
function bucketSql(column: string, from: string, origin: string, width: string): string {
  return `greatest(${from}::float8, ${origin}::float8 + floor((extract(epoch FROM ${column}) * 1000 - ${origin}::float8) / ${width}::float8) * ${width}::float8)`;
}

/** The group key of a row: the campaign, the agent, or everything ('*'). */
function groupSql(groupBy: KpiGroupBy, campaign: string, agent: string): string {
  return groupBy === 'campaign' ? `${campaign}::text` : groupBy === 'agent' ? agent : `'*'`;
}

/** Call counts per group and bucket, every call in the bucket of its dial time. */
export async function readCallAggregates(
  db: ReportingDatabase,
  scope: KpiScope,
): Promise<Array<{ group: string; bucketMs: number; calls: CallAggregate }>> {
  const values: unknown[] = [
    scope.from,
    scope.to,
    scope.from.getTime(),
    scope.grid.originMs,
    scope.grid.widthMs,
  ];
  const where = ['c.dialed_at >= $1', 'c.dialed_at < $2'];
  if (scope.campaignIds) {
    values.push(scope.campaignIds);
    where.push(`c.campaign_id = ANY($${values.length}::uuid[])`);
  }
  if (scope.agentIds) {
    values.push(scope.agentIds);
    where.push(`c.agent_id = ANY($${values.length}::text[])`);
  }
  if (scope.groupBy === 'agent') where.push('c.agent_id IS NOT NULL');
  const connected = 'c.connected_at IS NOT NULL AND c.answer_to_agent_ms IS NOT NULL';
  const { rows } = await db.query<{
    grp: string;
    bucket_ms: number;
    dials: number;
    live_answers: number;
    connects: number;
    abandons: number;
    amd_false_positives: number;
    machine_verdicts: number;
    amd_fp_estimated: number;
    hold_sum: number;
    hold_count: number;
    talk_sum: number;
    talk_count: number;
    p50: number | null;
    p99: number | null;
  }>(
    `SELECT ${groupSql(scope.groupBy, 'c.campaign_id', 'c.agent_id')} AS grp,
            ${bucketSql('c.dialed_at', '$3', '$4', '$5')} AS bucket_ms,
            count(*)::int AS dials,
            count(*) FILTER (WHERE c.counted_live)::int AS live_answers,
            count(*) FILTER (WHERE c.connected_at IS NOT NULL)::int AS connects,
            count(*) FILTER (WHERE c.counted_abandon)::int AS abandons,
            count(*) FILTER (WHERE c.amd_false_positive)::int AS amd_false_positives,
            count(*) FILTER (WHERE c.machine_verdict)::int AS machine_verdicts,
            coalesce(sum(c.amd_false_positive_estimate), 0)::float8 AS amd_fp_estimated,
            coalesce(sum(c.hold_seconds) FILTER (WHERE c.ended AND c.counted_live), 0)::float8 AS hold_sum,
            count(c.hold_seconds) FILTER (WHERE c.ended AND c.counted_live)::int AS hold_count,
            coalesce(sum(c.talk_seconds) FILTER (WHERE c.ended AND c.connected_at IS NOT NULL), 0)::float8 AS talk_sum,
            count(c.talk_seconds) FILTER (WHERE c.ended AND c.connected_at IS NOT NULL)::int AS talk_count,
            percentile_disc(0.5) WITHIN GROUP (ORDER BY c.answer_to_agent_ms) FILTER (WHERE ${connected}) AS p50,
            percentile_disc(0.99) WITHIN GROUP (ORDER BY c.answer_to_agent_ms) FILTER (WHERE ${connected}) AS p99
       FROM call_record c
      WHERE ${where.join(' AND ')}
      GROUP BY 1, 2`,
    values,
  );
  return rows.map((r) => ({
    group: r.grp,
    bucketMs: Number(r.bucket_ms),
    calls: {
      dials: r.dials,
      liveAnswers: r.live_answers,
      connects: r.connects,
      abandons: r.abandons,
      amdFalsePositives: r.amd_false_positives,
      machineVerdicts: r.machine_verdicts,
      amdFalsePositivesEstimated: r.amd_fp_estimated,
      holdSecondsSum: r.hold_sum,
      holdCount: r.hold_count,
      talkSecondsSum: r.talk_sum,
      talkCount: r.talk_count,
      answerToAgentP50Ms: r.p50 ?? 0,
      answerToAgentP99Ms: r.p99 ?? 0,
    },
  }));
}

/**
 * Seconds per agent, campaign and state in each bucket: the state intervals clipped to
 * the buckets (an interval still open runs until the database's now).
 */
export async function readAgentStateSeconds(
  db: ReportingDatabase,
  buckets: readonly TimeBucket[],
  agentIds?: readonly string[],
  campaignId?: string,
): Promise<AgentStateSeconds[]> {
  const values: unknown[] = [
    buckets.map((b) => b.start),
    buckets.map((b) => b.end),
    buckets[0]!.start,
    buckets[buckets.length - 1]!.end,
  ];
  const where = ['started_at < $4', '(ended_at IS NULL OR ended_at > $3)'];
  if (agentIds) {
    values.push(agentIds);
    where.push(`agent_id = ANY($${values.length}::text[])`);
  }
  if (campaignId) {
    values.push(campaignId);
    where.push(`campaign_id = $${values.length}`);
  }
  const { rows } = await db.query<{
    bucket_ms: number;
    agent_id: string;
    campaign_id: string | null;
    state: AgentStateSeconds['state'];
    seconds: number;
  }>(
    `WITH b AS (
       SELECT * FROM unnest($1::timestamptz[], $2::timestamptz[]) AS b(bucket_start, bucket_end)
     ), i AS (
       SELECT * FROM agent_state_interval WHERE ${where.join(' AND ')}
     )
     SELECT (extract(epoch FROM b.bucket_start) * 1000)::float8 AS bucket_ms,
            i.agent_id, i.campaign_id, i.state,
            sum(greatest(0, extract(epoch FROM
                  least(coalesce(i.ended_at, now()), b.bucket_end) - greatest(i.started_at, b.bucket_start))))::float8
              AS seconds
       FROM i
       JOIN b ON i.started_at < b.bucket_end AND coalesce(i.ended_at, now()) > b.bucket_start
      GROUP BY 1, 2, 3, 4`,
    values,
  );
  return rows
    .filter((r) => r.seconds > 0)
    .map((r) => ({
      bucketStartMs: Number(r.bucket_ms),
      agentId: r.agent_id,
      campaignId: r.campaign_id,
      state: r.state,
      seconds: r.seconds,
    }));
}

/**
 * Sales per group and bucket: a disposition counts in the bucket of its call's dial time
 * (the sale belongs to that connect), or of its own time when the call is not known.
 */
export async function readSalesAggregates(
  db: ReportingDatabase,
  scope: KpiScope,
): Promise<Array<{ group: string; bucketMs: number; sales: SalesAggregate }>> {
  const values: unknown[] = [
    scope.from,
    scope.to,
    scope.from.getTime(),
    scope.grid.originMs,
    scope.grid.widthMs,
  ];
  const anchor = 'coalesce(c.dialed_at, d.recorded_at)';
  const where = [`${anchor} >= $1`, `${anchor} < $2`, 'd.sale'];
  if (scope.campaignIds) {
    values.push(scope.campaignIds);
    where.push(`d.campaign_id = ANY($${values.length}::uuid[])`);
  }
  if (scope.agentIds) {
    values.push(scope.agentIds);
    where.push(`d.agent_id = ANY($${values.length}::text[])`);
  }
  const { rows } = await db.query<{
    grp: string;
    bucket_ms: number;
    currency: string | null;
    sales: number;
    value: number;
  }>(
    `SELECT ${groupSql(scope.groupBy, 'd.campaign_id', 'd.agent_id')} AS grp,
            ${bucketSql(anchor, '$3', '$4', '$5')} AS bucket_ms,
            d.currency,
            count(DISTINCT d.call_id)::int AS sales,
            coalesce(sum(d.sale_value), 0)::float8 AS value
       FROM disposition d
       LEFT JOIN call_record c ON c.call_id = d.call_id
      WHERE ${where.join(' AND ')}
      GROUP BY 1, 2, 3`,
    values,
  );
  const byKey = new Map<string, { group: string; bucketMs: number; sales: SalesAggregate }>();
  for (const r of rows) {
    const bucketMs = Number(r.bucket_ms);
    const key = `${r.grp}|${bucketMs}`;
    const entry = byKey.get(key) ?? { group: r.grp, bucketMs, sales: { sales: 0, saleValueByCurrency: {} } };
    entry.sales.sales += r.sales;
    const currency = r.currency ?? 'unknown';
    entry.sales.saleValueByCurrency[currency] = (entry.sales.saleValueByCurrency[currency] ?? 0) + r.value;
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}
