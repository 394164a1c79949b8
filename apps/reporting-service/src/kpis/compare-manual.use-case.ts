import { Injectable } from '@nestjs/common';
import type { CompareManualReply } from '@autotelesale/contracts';
import { computeKpis, estimateManualDialing, ratio } from '@autotelesale/reporting-domain';
import { ReportingDatabase } from '../db/reporting-database';
import { QueryKpisUseCase } from './query-kpis.use-case';

/**
 * The demo's comparison: the campaign's KPIs over the range beside an estimate of manual
 * dialing of the same attempts (reporting-domain's estimateManualDialing).
 */
@Injectable()
export class CompareManualUseCase {
  constructor(
    private readonly db: ReportingDatabase,
    private readonly kpis: QueryKpisUseCase,
  ) {}

  async execute(request: {
    campaignId: string;
    from: string;
    to: string;
    dialOverheadSeconds: number;
    machineListenSeconds: number;
  }): Promise<CompareManualReply> {
    const reply = await this.kpis.execute({
      from: request.from,
      to: request.to,
      interval: 'total',
      groupBy: 'campaign',
      campaignIds: [request.campaignId],
    });
    const k = reply.rows[0]?.kpis ?? computeKpis();
    const { rows } = await this.db.query<{
      attempts: number;
      ring_sum: number;
      people: number;
      machines: number;
      mean_talk: number | null;
    }>(
      `SELECT count(*)::int AS attempts,
              coalesce(sum(ring_seconds), 0)::float8 AS ring_sum,
              count(*) FILTER (WHERE counted_live OR amd_false_positive)::int AS people,
              count(*) FILTER (WHERE amd = 'machine' AND NOT amd_false_positive AND NOT counted_live)::int AS machines,
              avg(talk_seconds) FILTER (WHERE ended AND connected_at IS NOT NULL)::float8 AS mean_talk
         FROM call_record
        WHERE campaign_id = $1 AND dialed_at >= $2 AND dialed_at < $3`,
      [request.campaignId, new Date(request.from), new Date(request.to)],
    );
    const r = rows[0]!;
    const manual = estimateManualDialing(
      {
        attempts: r.attempts,
        ringSecondsSum: r.ring_sum,
        peopleAnswered: r.people,
        machines: r.machines,
        meanTalkSeconds: r.mean_talk ?? 0,
        meanWrapUpSeconds: ratio(k.wrapUpSeconds, k.connects),
      },
      {
        dialOverheadSeconds: request.dialOverheadSeconds,
        machineListenSeconds: request.machineListenSeconds,
      },
    );
    return {
      campaign: {
        dials: k.dials,
        liveAnswers: k.liveAnswers,
        connects: k.connects,
        abandons: k.abandons,
        abandonRate: k.abandonRate,
        occupancy: k.occupancy,
        talkMinutesPerAgentHour: k.talkMinutesPerAgentHour,
        contactsPerAgentHour: k.contactsPerAgentHour,
      },
      manual: {
        talkMinutesPerAgentHour: manual.talkMinutesPerAgentHour,
        contactsPerAgentHour: manual.contactsPerAgentHour,
      },
    };
  }
}
