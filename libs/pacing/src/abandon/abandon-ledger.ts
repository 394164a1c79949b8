import { PacingError } from '../errors';

/**
 * US (FTC TSR / FCC): abandoned / live-answered per campaign over a 30-day period.
 * UK (Ofcom): per campaign per 24 hours, and calls AMD wrongly hung up on (false
 * positives) count as abandoned.
 */
export type AbandonRule = 'US' | 'UK';

export const ABANDON_RULE_WINDOW_SEC: Readonly<Record<AbandonRule, number>> = {
  US: 30 * 24 * 3600,
  UK: 24 * 3600,
};

export interface AbandonLedgerOptions {
  rule: AbandonRule;
  /** The cap, in percent of live-answered calls (default 3). */
  capPercent: number;
  /** Bucket width for the rolling window; one minute is plenty for a 24 h window. */
  bucketSec?: number;
  /** Overrides the rule's window (e.g. a one-hour window for a supervisor's view). */
  windowSec?: number;
}

export interface AbandonBudget {
  readonly rule: AbandonRule;
  readonly windowSec: number;
  readonly liveAnswered: number;
  readonly abandoned: number;
  /** abandoned / liveAnswered in the window (0 with no live answers). */
  readonly rate: number;
  readonly capRate: number;
  /** How many more abandons the window can take right now without exceeding the cap. */
  readonly abandonsLeft: number;
}

interface Bucket {
  start: number;
  live: number;
  abandoned: number;
}

/**
 * Counts abandons the way the regulator counts them, in time buckets so that a 30-day
 * window costs a bounded amount of memory. It is the pacer's budget and the simulator's
 * referee; both feed it the same events.
 */
export class AbandonLedger {
  private readonly buckets: Bucket[] = [];
  // Running sums over the kept buckets, so budget() is O(1) amortised on every decision.
  private keptLive = 0;
  private keptAbandoned = 0;
  private readonly bucketSec: number;
  readonly windowSec: number;

  constructor(private readonly options: AbandonLedgerOptions) {
    if (!(options.capPercent > 0 && options.capPercent < 100)) {
      throw new PacingError('PACING_INVALID_ARGUMENT', 'capPercent must be in (0, 100)', options);
    }
    this.bucketSec = options.bucketSec ?? 60;
    this.windowSec = options.windowSec ?? ABANDON_RULE_WINDOW_SEC[options.rule];
  }

  get rule(): AbandonRule {
    return this.options.rule;
  }

  get capRate(): number {
    return this.options.capPercent / 100;
  }

  private bucketAt(at: number): Bucket {
    const start = Math.floor(at / this.bucketSec) * this.bucketSec;
    const last = this.buckets[this.buckets.length - 1];
    if (last && last.start === start) return last;
    if (last && start < last.start) {
      // Late events (reordered delivery) land in their own bucket if still kept.
      for (let i = this.buckets.length - 1; i >= 0; i -= 1)
        if (this.buckets[i]!.start === start) return this.buckets[i]!;
      throw new PacingError(
        'PACING_INVALID_ARGUMENT',
        `event at ${at} is older than the ledger's last bucket`,
      );
    }
    const bucket = { start, live: 0, abandoned: 0 };
    this.buckets.push(bucket);
    return bucket;
  }

  /** A person answered (AMD said "human", or no AMD). */
  recordLiveAnswer(at: number): void {
    this.bucketAt(at).live += 1;
    this.keptLive += 1;
  }

  /** That person was not connected to an agent within the grace period. */
  recordAbandon(at: number): void {
    this.bucketAt(at).abandoned += 1;
    this.keptAbandoned += 1;
  }

  /** AMD hung up on a person. UK: an abandoned live call. US: not counted (per the rule
   * as this product applies it); callers may still record it, it is simply ignored. */
  recordAmdFalsePositive(at: number, weight = 1): void {
    if (this.options.rule !== 'UK') return;
    const b = this.bucketAt(at);
    b.live += weight;
    b.abandoned += weight;
    this.keptLive += weight;
    this.keptAbandoned += weight;
  }

  /** Drops buckets that lie wholly before the window ending at `now`. The pacer's
   * ledger prunes on every budget(); a referee that wants whole-run totals never does. */
  prune(now: number): void {
    const windowStart = now - this.windowSec;
    let drop = 0;
    while (drop < this.buckets.length && this.buckets[drop]!.start + this.bucketSec <= windowStart) {
      this.keptLive -= this.buckets[drop]!.live;
      this.keptAbandoned -= this.buckets[drop]!.abandoned;
      drop += 1;
    }
    if (drop > 0) this.buckets.splice(0, drop);
  }

  /** Totals over (from, to]. */
  totals(from: number, to: number): { live: number; abandoned: number } {
    let live = 0;
    let abandoned = 0;
    for (const b of this.buckets) {
      if (b.start + this.bucketSec <= from || b.start > to) continue;
      live += b.live;
      abandoned += b.abandoned;
    }
    return { live, abandoned };
  }

  /** The budget over the regulator window ending at `now` (bucket resolution). */
  budget(now: number): AbandonBudget {
    this.prune(now);
    const live = this.keptLive;
    const abandoned = this.keptAbandoned;
    const capRate = this.capRate;
    return {
      rule: this.options.rule,
      windowSec: this.windowSec,
      liveAnswered: live,
      abandoned,
      rate: live > 0 ? abandoned / live : 0,
      capRate,
      abandonsLeft: Math.floor(capRate * live + 1e-9) - abandoned,
    };
  }

  /**
   * The worst rate over every regulator window inside [from, to], sliding by one bucket.
   * A run shorter than the window has one window: the whole run.
   */
  worstWindowRate(from: number, to: number): number {
    const rateOf = (t: { live: number; abandoned: number }): number =>
      t.live > 0 ? t.abandoned / t.live : 0;
    if (to - from <= this.windowSec) return rateOf(this.totals(from - 1e-9, to));
    let worst = 0;
    for (let end = from + this.windowSec; end <= to + 1e-9; end += this.bucketSec) {
      worst = Math.max(worst, rateOf(this.totals(end - this.windowSec, end)));
    }
    return worst;
  }
}
