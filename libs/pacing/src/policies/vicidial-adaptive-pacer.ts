import { PacingError } from '../errors';
import {
  countAgents,
  countCalls,
  countWorkingAgents,
  type CampaignSnapshot,
  type Pacer,
  type PacingDecision,
  type PacingEvent,
} from './campaign-snapshot';

export type VicidialVariant = 'hard-limit' | 'tapered';

export interface VicidialAdaptiveOptions {
  /** VICIdial's "dial level difference target": agents you want waiting (negative) or
   * calls you want waiting (positive). The knob the benchmark tunes to the cap. */
  targetDifference: number;
  capPercent: number;
  variant: VicidialVariant;
  maxLevel?: number;
  adjustEverySec?: number;
}

/**
 * A VICIdial-style adaptive dial level, from its public description (the baseline to
 * beat, not a port of its code):
 * - every 15 s: level *= 1 + d / agents, d = one-minute average of (ready agents - calls
 *   waiting) + target difference, clamped to [1, max level 3];
 * - more than 20 calls placed in the last minute and over half of them dropped: halve;
 * - after 50 calls today with drops above the cap share of answered calls: hard-limit
 *   drops the level to 1, tapered scales it towards 1 as the shift runs out;
 * - dials per decision = level x ready agents - calls in flight.
 */
export class VicidialAdaptivePacer implements Pacer {
  readonly mode = 'predictive' as const;
  readonly policy: string;
  private level = 1;
  private lastAdjustAt: number | undefined;
  private readonly diffSamples: { at: number; diff: number }[] = [];
  private readonly dialTimes: number[] = [];
  private readonly dropTimes: number[] = [];
  private dialsTotal = 0;
  private liveTotal = 0;
  private dropsTotal = 0;
  private readonly maxLevel: number;
  private readonly adjustEverySec: number;

  constructor(private readonly options: VicidialAdaptiveOptions) {
    if (!Number.isFinite(options.targetDifference)) {
      throw new PacingError('PACING_INVALID_ARGUMENT', 'targetDifference must be finite', options);
    }
    this.maxLevel = options.maxLevel ?? 3;
    this.adjustEverySec = options.adjustEverySec ?? 15;
    this.policy = `vicidial-${options.variant}`;
  }

  get dialLevel(): number {
    return this.level;
  }

  private trim(times: number[], from: number): void {
    let i = 0;
    while (i < times.length && times[i]! < from) i += 1;
    if (i > 0) times.splice(0, i);
  }

  private adjust(snapshot: CampaignSnapshot): void {
    const now = snapshot.now;
    const agents = Math.max(1, countWorkingAgents(snapshot));
    let sum = 0;
    for (const s of this.diffSamples) sum += s.diff;
    const avgDiff = this.diffSamples.length > 0 ? sum / this.diffSamples.length : 0;
    const d = avgDiff + this.options.targetDifference;
    this.level = Math.min(this.maxLevel, Math.max(1, this.level * (1 + d / agents)));
    this.trim(this.dialTimes, now - 60);
    this.trim(this.dropTimes, now - 60);
    if (this.dialTimes.length > 20 && this.dropTimes.length > this.dialTimes.length / 2) {
      this.level = Math.max(1, this.level / 2);
    }
    const cap = this.options.capPercent / 100;
    if (this.dialsTotal > 50 && this.liveTotal > 0 && this.dropsTotal / this.liveTotal > cap) {
      if (this.options.variant === 'hard-limit') {
        this.level = 1;
      } else {
        const start = snapshot.shiftStartedAt ?? 0;
        const end = snapshot.shiftEndsAt;
        const left =
          end === undefined || end <= start ? 1 : Math.min(1, Math.max(0, (end - now) / (end - start)));
        this.level = 1 + (this.level - 1) * left;
      }
    }
  }

  decide(snapshot: CampaignSnapshot): PacingDecision {
    const now = snapshot.now;
    const ready = countAgents(snapshot, 'ready');
    const waiting = countCalls(snapshot, 'waiting');
    const last = this.diffSamples[this.diffSamples.length - 1];
    // One sample per second at most, so a burst of decisions does not weigh more.
    if (!last || now - last.at >= 1) this.diffSamples.push({ at: now, diff: ready - waiting });
    while (this.diffSamples.length > 0 && this.diffSamples[0]!.at < now - 60) this.diffSamples.shift();
    if (this.lastAdjustAt === undefined) this.lastAdjustAt = now;
    else if (now - this.lastAdjustAt >= this.adjustEverySec) {
      this.adjust(snapshot);
      this.lastAdjustAt = now;
    }
    const inFlight = countCalls(snapshot, 'ringing') + countCalls(snapshot, 'detecting') + waiting;
    const dials = Math.max(0, Math.floor(this.level * ready + 1e-9) - inFlight);
    for (let i = 0; i < dials; i += 1) this.dialTimes.push(now);
    this.dialsTotal += dials;
    return { dials, reserveAgentIds: [], reason: `level-${this.level.toFixed(2)}` };
  }

  observe(event: PacingEvent): void {
    if (event.type === 'liveAnswered') this.liveTotal += 1;
    else if (event.type === 'abandoned') {
      this.dropsTotal += 1;
      this.dropTimes.push(event.at);
    }
  }
}
