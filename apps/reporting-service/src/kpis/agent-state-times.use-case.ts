import { Injectable } from '@nestjs/common';
import type { AgentStateTime } from '@autotelesale/contracts';
import { ReportingDatabase } from '../db/reporting-database';
import { readAgentStateSeconds } from './kpi-queries';

/** Seconds per agent, campaign and state over a range (the state intervals, clipped). */
@Injectable()
export class AgentStateTimesUseCase {
  constructor(private readonly db: ReportingDatabase) {}

  async execute(request: {
    from: string;
    to: string;
    agentId?: string;
    campaignId?: string;
  }): Promise<{ items: AgentStateTime[] }> {
    const bucket = { start: new Date(request.from), end: new Date(request.to) };
    const rows = await readAgentStateSeconds(
      this.db,
      [bucket],
      request.agentId ? [request.agentId] : undefined,
      request.campaignId,
    );
    const items = rows
      .map((r) => ({ agentId: r.agentId, campaignId: r.campaignId, state: r.state, seconds: r.seconds }))
      .sort((a, b) =>
        a.agentId !== b.agentId
          ? a.agentId < b.agentId
            ? -1
            : 1
          : a.state !== b.state
            ? a.state < b.state
              ? -1
              : 1
            : (a.campaignId ?? '') < (b.campaignId ?? '')
              ? -1
              : 1,
      );
    return { items };
  }
}
