import { PacingError } from '../errors';
import type { CampaignSnapshot, Pacer, PacingDecision, PacingEvent } from './campaign-snapshot';

/** Auto-call (IVR broadcast, survey): no agent, only a line limit. */
export class AgentlessPacer implements Pacer {
  readonly mode = 'agentless' as const;
  readonly policy = 'line-limit';

  constructor(private readonly lineLimit: number) {
    if (!Number.isInteger(lineLimit) || lineLimit < 0) {
      throw new PacingError('PACING_INVALID_ARGUMENT', `lineLimit must be an integer >= 0, got ${lineLimit}`);
    }
  }

  /** `busyLines` is passed by the caller: calls in a message or survey hold a line too. */
  decideWithBusyLines(snapshot: CampaignSnapshot, busyLines: number): PacingDecision {
    const dials = Math.max(0, this.lineLimit - snapshot.calls.length - busyLines);
    return { dials, reserveAgentIds: [], reason: dials > 0 ? 'lines-free' : 'line-limit' };
  }

  decide(snapshot: CampaignSnapshot): PacingDecision {
    return this.decideWithBusyLines(snapshot, 0);
  }

  observe(_event: PacingEvent): void {
    // Nothing to learn.
  }
}
