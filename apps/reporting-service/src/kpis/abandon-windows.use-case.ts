import { Injectable } from '@nestjs/common';
import type { AbandonWindowsReply } from '@autotelesale/contracts';
import {
  abandonWindow,
  DEFAULT_ABANDON_RATE_CAP,
  REGULATOR_RULES,
  regulatorWindow,
} from '@autotelesale/reporting-domain';
import { ReportingDatabase } from '../db/reporting-database';

/**
 * A campaign's abandon rate over the US (30 days) and UK (24 h) windows ending at `at`; the
 * UK one with the AMD false positives estimated from the machine verdicts (`abandonWindow`).
 */
@Injectable()
export class AbandonWindowsUseCase {
  constructor(private readonly db: ReportingDatabase) {}

  async execute(request: { campaignId: string; at?: string }): Promise<AbandonWindowsReply> {
    const at = request.at ? new Date(request.at) : new Date();
    const { rows: caps } = await this.db.query<{ cap: number }>(
      `SELECT abandon_rate_cap AS cap FROM campaign WHERE campaign_id = $1`,
      [request.campaignId],
    );
    const capRate = caps[0]?.cap ?? DEFAULT_ABANDON_RATE_CAP;
    const windows = [];
    for (const rule of REGULATOR_RULES) {
      const { from, to } = regulatorWindow(rule, at);
      const { rows } = await this.db.query<{
        live: number;
        abandons: number;
        fp: number;
        verdicts: number;
        estimated: number;
      }>(
        `SELECT count(*) FILTER (WHERE counted_live)::int AS live,
                count(*) FILTER (WHERE counted_abandon)::int AS abandons,
                count(*) FILTER (WHERE amd_false_positive)::int AS fp,
                count(*) FILTER (WHERE machine_verdict)::int AS verdicts,
                coalesce(sum(amd_false_positive_estimate), 0)::float8 AS estimated
           FROM call_record
          WHERE campaign_id = $1 AND dialed_at >= $2 AND dialed_at < $3`,
        [request.campaignId, from, to],
      );
      const r = rows[0]!;
      windows.push(
        abandonWindow(
          rule,
          at,
          {
            liveAnswers: r.live,
            abandons: r.abandons,
            amdFalsePositives: r.fp,
            machineVerdicts: r.verdicts,
            amdFalsePositivesEstimated: r.estimated,
          },
          capRate,
        ),
      );
    }
    return { campaignId: request.campaignId, at: at.toISOString(), windows };
  }
}
