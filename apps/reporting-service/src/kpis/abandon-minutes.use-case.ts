import { Injectable } from '@nestjs/common';
import type { AbandonMinute, AbandonMinutesReply } from '@autotelesale/contracts';
import { ReportingDatabase } from '../db/reporting-database';

/**
 * A campaign's live answers, abandons and machine verdicts per minute of dial time over a
 * window ending at `at` (the dialer seeds its abandon window with them). A machine verdict
 * is what the dialer records as `machineDetected`: AMD said machine and the call ended on
 * it with nobody connected (a machine passed to an agent is a live answer, for both), so a
 * seeded window and reporting's UK estimate count the same calls.
 */
@Injectable()
export class AbandonMinutesUseCase {
  constructor(private readonly db: ReportingDatabase) {}

  async execute(request: {
    campaignId: string;
    windowSeconds: number;
    at?: string;
  }): Promise<AbandonMinutesReply> {
    const to = request.at ? new Date(request.at) : new Date();
    const from = new Date(to.getTime() - request.windowSeconds * 1000);
    const { rows } = await this.db.query<{ start: Date } & Omit<AbandonMinute, 'start'>>(
      `SELECT date_trunc('minute', dialed_at) AS start,
              count(*) FILTER (WHERE counted_live)::int AS "liveAnswers",
              count(*) FILTER (WHERE counted_abandon)::int AS abandons,
              count(*) FILTER (WHERE machine_verdict)::int AS "machineDetections"
         FROM call_record
        WHERE campaign_id = $1 AND dialed_at >= $2 AND dialed_at < $3
        GROUP BY 1
       HAVING count(*) FILTER (WHERE counted_live OR counted_abandon OR machine_verdict) > 0
        ORDER BY 1`,
      [request.campaignId, from, to],
    );
    return {
      campaignId: request.campaignId,
      from: from.toISOString(),
      to: to.toISOString(),
      minutes: rows.map((r) => ({ ...r, start: r.start.toISOString() })),
    };
  }
}
