import type { CampaignSnapshot, Pacer, PacingDecision, PacingEvent } from './campaign-snapshot';

/**
 * Manual, preview and progressive pacing all follow one rule: one call per ready agent,
 * reserved before the call is placed, so a customer who answers already has an agent on
 * the line and nobody is ever abandoned. They differ in what the agent does before the
 * dial (reads the record and clicks, previews for N seconds, or nothing), which is the
 * caller's business: the dialer shows the preview, the simulator models the overheads.
 */
export class AgentFirstPacer implements Pacer {
  readonly policy = 'agent-first';

  constructor(readonly mode: 'manual' | 'preview' | 'progressive') {}

  decide(snapshot: CampaignSnapshot): PacingDecision {
    const ids: string[] = [];
    for (const agent of snapshot.agents) if (agent.state === 'ready') ids.push(agent.id);
    return {
      dials: ids.length,
      reserveAgentIds: ids,
      reason: ids.length > 0 ? 'agent-ready' : 'no-ready-agent',
    };
  }

  observe(_event: PacingEvent): void {
    // Nothing to learn: agent-first pacing never risks an abandon.
  }
}
