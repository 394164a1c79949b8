import { Injectable } from '@nestjs/common';
import type { DialRefusalCount, DialRefusalsReply } from '@autotelesale/contracts';
import { ReportingDatabase } from '../db/reporting-database';

/** Refused dials decided within `[from, to)`, per campaign, stage, rule and result. */
@Injectable()
export class DialRefusalsUseCase {
  constructor(private readonly db: ReportingDatabase) {}

  async execute(request: { from: string; to: string; campaignIds?: string[] }): Promise<DialRefusalsReply> {
    const { rows } = await this.db.query<DialRefusalCount>(
      `SELECT campaign_id AS "campaignId", stage, rule, result, count(*)::int AS refusals
         FROM dial_refusal
        WHERE decided_at >= $1 AND decided_at < $2
          AND ($3::uuid[] IS NULL OR campaign_id = ANY($3::uuid[]))
        GROUP BY campaign_id, stage, rule, result
        ORDER BY campaign_id, stage, rule, result`,
      [new Date(request.from), new Date(request.to), request.campaignIds ?? null],
    );
    return {
      from: new Date(request.from).toISOString(),
      to: new Date(request.to).toISOString(),
      rows,
      total: rows.reduce((sum, row) => sum + row.refusals, 0),
    };
  }
}
