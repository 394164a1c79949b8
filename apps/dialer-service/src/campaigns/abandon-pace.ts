import type { AbandonFact, AbandonWindowCounter, ThrottleDecision } from '@autotelesale/compliance-domain';

export interface ThrottledDials {
  dials: number;
  /** Fraction of a dial carried to the next tick (so a slowed campaign still dials). */
  credit: number;
}

/**
 * The pacer's dials once the campaign's abandon rate is near or at its cap
 * (`abandonThrottle`): scaled down by the throttle's factor (fractions carried over), but
 * never below the dials that cannot abandon anyone: one per ready agent that no call in
 * flight is already heading for. Those keep a campaign at its cap working at one call per
 * free agent (VICIdial's "hard limit", and what progressive dialing does) instead of
 * stopping with every agent ready until the regulator's window slides (a day), and each
 * live answer they add brings the rate back under the cap.
 */
export function throttledDials(
  dials: number,
  throttle: ThrottleDecision,
  credit: number,
  readyAgents: number,
  callsInFlight: number,
): ThrottledDials {
  if (throttle.state === 'normal') return { dials, credit: 0 };
  const safe = Math.max(0, Math.min(dials, readyAgents - callsInFlight));
  const scaled = credit + dials * throttle.factor;
  const allowed = Math.floor(scaled);
  if (safe >= allowed) return { dials: safe, credit: 0 };
  return { dials: allowed, credit: scaled - allowed };
}

/** What an abandon window needs of one minute of a campaign's past (reporting-service's `abandon.minutes`). */
export interface AbandonMinuteCounts {
  start: string;
  liveAnswers: number;
  abandons: number;
  machineDetections: number;
}

/**
 * Seeds a replica's abandon window with the campaign's past calls, so that a replica that
 * starts pacing a campaign, or takes it over from one that died, paces as if it had seen
 * them (else it would start from an empty window and could dial the campaign over its cap).
 *
 * Why reporting-service and not the calls stream: it already keeps every call record
 * merged, idempotent, with the regulator's counting (`counted_live`, `counted_abandon`),
 * and answers per minute (at most 1,440 rows for the 24 h window) instead of a replay of
 * every call event of the day. Each fact is stamped at the end of its minute (never after
 * `now`): it leaves the window up to a minute late, never early, the safe side of the cap.
 * The few calls live at a take-over may be counted twice (seeded, then seen ending): at
 * most the calls in flight, which the 20-answer minimum of the throttle dwarfs.
 */
export function seedAbandonWindow(
  counter: AbandonWindowCounter,
  minutes: readonly AbandonMinuteCounts[],
  nowMs: number,
): number {
  let seeded = 0;
  for (const minute of minutes) {
    const at = Math.min(Date.parse(minute.start) + 59_999, nowMs);
    const facts: Array<[number, AbandonFact]> = [
      [minute.liveAnswers, 'liveAnswered'],
      [minute.abandons, 'abandoned'],
      [minute.machineDetections, 'machineDetected'],
    ];
    for (const [count, fact] of facts) {
      for (let i = 0; i < count; i++) counter.record(at, fact);
      seeded += count;
    }
  }
  return seeded;
}
