import type { AgentState } from '@autotelesale/contracts';

/** A stretch of time in one state; `endedAt` null while the agent is still in it. */
export interface StateInterval {
  state: AgentState;
  campaignId: string | null;
  reasonCode: string | null;
  startedAt: Date;
  endedAt: Date | null;
}

export interface StateTotal {
  state: AgentState;
  campaignId: string | null;
  seconds: number;
}

/**
 * The parts of the intervals inside [from, to). An interval still open counts until
 * `now` (and stays open in the answer when it runs past `now` within the range).
 */
export function clipIntervals(intervals: StateInterval[], from: Date, to: Date, now: Date): StateInterval[] {
  const clipped: StateInterval[] = [];
  for (const interval of intervals) {
    const start = Math.max(interval.startedAt.getTime(), from.getTime());
    const effectiveEnd = Math.min((interval.endedAt ?? now).getTime(), to.getTime());
    if (effectiveEnd <= start) continue;
    const stillOpen = interval.endedAt === null && now.getTime() < to.getTime();
    clipped.push({
      ...interval,
      startedAt: new Date(start),
      endedAt: stillOpen ? null : new Date(effectiveEnd),
    });
  }
  return clipped.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
}

/** Seconds per (state, campaign) within [from, to), in a stable order. */
export function totalStateSeconds(intervals: StateInterval[], from: Date, to: Date, now: Date): StateTotal[] {
  const totals = new Map<string, StateTotal>();
  for (const interval of clipIntervals(intervals, from, to, now)) {
    const end = interval.endedAt ?? new Date(Math.min(now.getTime(), to.getTime()));
    const key = `${interval.state}\u0000${interval.campaignId ?? ''}`;
    const total = totals.get(key) ?? { state: interval.state, campaignId: interval.campaignId, seconds: 0 };
    total.seconds += (end.getTime() - interval.startedAt.getTime()) / 1000;
    totals.set(key, total);
  }
  return [...totals.values()].sort(
    (a, b) => a.state.localeCompare(b.state) || (a.campaignId ?? '').localeCompare(b.campaignId ?? ''),
  );
}
