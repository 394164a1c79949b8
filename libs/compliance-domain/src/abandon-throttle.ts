/**
 * The abandon rate of a campaign over a window, counted as the UK rule asks: calls
 * dropped with nobody to talk to, plus the estimated AMD false positives (people a
 * detector took for machines and hung up on), over live answers plus those same
 * estimated false positives.
 */
export interface AbandonWindow {
  /** Live answers (people) in the window, excluding machines. */
  liveAnswered: number;
  abandoned: number;
  /** Calls hung up on (or left a message) because AMD said machine. */
  machineDetections: number;
  /** Share of machine detections that were in fact people (measured or declared, 0..1). */
  amdFalsePositiveRate: number;
}

export function abandonRate(w: AbandonWindow): number {
  const falsePositives = w.machineDetections * w.amdFalsePositiveRate;
  const denominator = w.liveAnswered + falsePositives;
  if (denominator <= 0) return 0;
  return (w.abandoned + falsePositives) / denominator;
}

export interface ThrottleDecision {
  rate: number;
  /** Multiply the pacer's dials by this: 1 far from the cap, falling to 0 at it. */
  factor: number;
  state: 'normal' | 'slowed' | 'stopped';
}

/**
 * Slows a campaign as its rate nears the cap and stops it at the cap: full speed below
 * `slowFrom` of the cap (default 80 %), then linearly down to a floor of 25 % just under
 * the cap, and 0 at or above it. Below `minLiveAnswered` answers the rate means little
 * and nothing is throttled.
 */
export function abandonThrottle(
  w: AbandonWindow,
  cap: number,
  options: { slowFrom?: number; minLiveAnswered?: number } = {},
): ThrottleDecision {
  const rate = abandonRate(w);
  if (w.liveAnswered < (options.minLiveAnswered ?? 20)) return { rate, factor: 1, state: 'normal' };
  if (rate >= cap) return { rate, factor: 0, state: 'stopped' };
  const slowAt = cap * (options.slowFrom ?? 0.8);
  if (rate < slowAt) return { rate, factor: 1, state: 'normal' };
  const factor = 1 - 0.75 * ((rate - slowAt) / (cap - slowAt));
  return { rate, factor, state: 'slowed' };
}

/** What happened to a call, as far as the abandon rate cares. */
export type AbandonFact = 'liveAnswered' | 'abandoned' | 'machineDetected';

/**
 * The facts of one campaign over a sliding window (times on any monotonic clock in ms,
 * passed in): what `abandonThrottle` reads. Old facts are dropped as the window slides.
 */
export class AbandonWindowCounter {
  private readonly facts: Array<{ at: number; fact: AbandonFact }> = [];

  constructor(private readonly windowMs: number) {}

  /** Facts arrive nearly in time order: each is put in its place from the end (the list stays sorted). */
  record(at: number, fact: AbandonFact): void {
    let i = this.facts.length;
    while (i > 0 && this.facts[i - 1]!.at > at) i--;
    this.facts.splice(i, 0, { at, fact });
  }

  window(now: number, amdFalsePositiveRate: number): AbandonWindow {
    const from = now - this.windowMs;
    let drop = 0;
    while (drop < this.facts.length && this.facts[drop]!.at < from) drop++;
    if (drop > 0) this.facts.splice(0, drop);
    const count = (fact: AbandonFact) => this.facts.filter((f) => f.fact === fact).length;
    return {
      liveAnswered: count('liveAnswered'),
      abandoned: count('abandoned'),
      machineDetections: count('machineDetected'),
      amdFalsePositiveRate,
    };
  }
}
