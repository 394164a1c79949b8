import type { ThrottleDecision } from '@autotelesale/compliance-domain';

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
