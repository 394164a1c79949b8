import type { CallFacts } from './call-facts';
import { classifyCall } from './regulator-abandon';

/** What one call adds to the running counters (Prometheus counters, live views). */
export interface CallCounts {
  dials: number;
  liveAnswers: number;
  connects: number;
  abandons: number;
  amdFalsePositives: number;
  /** 1 under the call's outcome once the record is in. */
  outcomes: Record<string, number>;
}

export function callCounts(facts: CallFacts | null): CallCounts {
  if (facts === null) {
    return { dials: 0, liveAnswers: 0, connects: 0, abandons: 0, amdFalsePositives: 0, outcomes: {} };
  }
  const c = classifyCall(facts);
  return {
    dials: facts.dialedAt !== null ? 1 : 0,
    liveAnswers: c.countedLive ? 1 : 0,
    connects: c.connected ? 1 : 0,
    abandons: c.countedAbandon ? 1 : 0,
    amdFalsePositives: c.amdFalsePositive ? 1 : 0,
    outcomes: facts.ended && facts.outcome ? { [facts.outcome]: 1 } : {},
  };
}

/**
 * What a merge added: the counts after minus the counts before. Counters only go up, so
 * a negative change (a record that corrects an earlier event, e.g. AMD's verdict) is
 * reported as 0; the database stays the truth for every query.
 */
export function callCountsAdded(before: CallFacts | null, after: CallFacts): CallCounts {
  const a = callCounts(before);
  const b = callCounts(after);
  const up = (x: number, y: number) => Math.max(0, y - x);
  const outcomes: Record<string, number> = {};
  for (const [outcome, n] of Object.entries(b.outcomes)) {
    const added = up(a.outcomes[outcome] ?? 0, n);
    if (added > 0) outcomes[outcome] = added;
  }
  return {
    dials: up(a.dials, b.dials),
    liveAnswers: up(a.liveAnswers, b.liveAnswers),
    connects: up(a.connects, b.connects),
    abandons: up(a.abandons, b.abandons),
    amdFalsePositives: up(a.amdFalsePositives, b.amdFalsePositives),
    outcomes,
  };
}
