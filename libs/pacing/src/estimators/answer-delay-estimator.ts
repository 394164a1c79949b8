import { PacingError } from '../errors';

export interface AnswerDelayEstimatorOptions {
  /** Calls unanswered after this long are given up (the no-answer timeout). */
  timeoutSec: number;
  /** Histogram resolution. */
  binSec: number;
  /** Prior: answer delays uniform on [0, priorUniformUpToSec], worth `priorWeight` answers.
   * Early answers are the dangerous ones (an agent is needed sooner), so a prior that
   * spreads mass early is the cautious one. */
  priorUniformUpToSec: number;
  priorWeight: number;
  /** Effective memory in answered calls. */
  memory: number;
}

export interface AnswerDelayState {
  binSec: number;
  counts: number[];
  total: number;
}

/**
 * Time from dial to answer for answered calls, as a discounted histogram: no shape is
 * assumed (networks add a fixed setup time, people pick up after a few rings), and the
 * CDF is read straight off the bins.
 */
export class AnswerDelayEstimator {
  private readonly counts: Float64Array;
  private total = 0;
  private readonly decay: number;
  private readonly cumulative: Float64Array;
  private dirty = true;

  constructor(private readonly options: AnswerDelayEstimatorOptions) {
    if (
      !(options.timeoutSec > 0) ||
      !(options.binSec > 0) ||
      !(options.priorWeight > 0) ||
      !(options.memory >= 1)
    ) {
      throw new PacingError('PACING_INVALID_ARGUMENT', 'invalid answer delay estimator options', options);
    }
    const bins = Math.ceil(options.timeoutSec / options.binSec);
    this.counts = new Float64Array(bins);
    this.cumulative = new Float64Array(bins + 1);
    this.decay = 1 - 1 / options.memory;
  }

  get timeoutSec(): number {
    return this.options.timeoutSec;
  }

  get observations(): number {
    return this.total;
  }

  /** The discounted histogram (see ForecastPacer.exportState). */
  exportState(): AnswerDelayState {
    return { binSec: this.options.binSec, counts: [...this.counts], total: this.total };
  }

  /**
   * Continues from an exported histogram. Its bins must be this estimator's: another ring
   * timeout or resolution is another histogram, and is refused rather than stretched.
   */
  importState(state: AnswerDelayState): void {
    if (state.binSec !== this.options.binSec || state.counts.length !== this.counts.length) {
      throw new PacingError(
        'PACING_INVALID_STATE',
        `answer-delay histogram of ${state.counts.length} bins of ${state.binSec} s does not fit ${this.counts.length} bins of ${this.options.binSec} s`,
      );
    }
    if (!(state.total >= 0) || state.counts.some((c) => !(c >= 0))) {
      throw new PacingError('PACING_INVALID_STATE', 'answer-delay counts must be >= 0');
    }
    this.counts.set(state.counts);
    this.total = state.total;
    this.dirty = true;
  }

  observe(delaySec: number): void {
    if (!(delaySec >= 0))
      throw new PacingError('PACING_INVALID_ARGUMENT', `answer delay must be >= 0, got ${delaySec}`);
    const bins = this.counts.length;
    const bin = Math.min(bins - 1, Math.floor(delaySec / this.options.binSec));
    // Decaying every bin on every answer is O(bins); bins is ~50, answers are rare events.
    for (let i = 0; i < bins; i += 1) this.counts[i]! *= this.decay;
    this.counts[bin]! += 1;
    this.total = this.total * this.decay + 1;
    this.dirty = true;
  }

  private refresh(): void {
    if (!this.dirty) return;
    const { binSec, priorUniformUpToSec, priorWeight } = this.options;
    const bins = this.counts.length;
    const priorBins = Math.max(1, Math.min(bins, Math.ceil(priorUniformUpToSec / binSec)));
    const norm = this.total + priorWeight;
    let acc = 0;
    this.cumulative[0] = 0;
    for (let i = 0; i < bins; i += 1) {
      acc += this.counts[i]! + (i < priorBins ? priorWeight / priorBins : 0);
      this.cumulative[i + 1] = acc / norm;
    }
    this.dirty = false;
  }

  /** P(answer delay <= t | answered within the timeout), linear within a bin. */
  cdf(t: number): number {
    if (t <= 0) return 0;
    this.refresh();
    const pos = t / this.options.binSec;
    const i = Math.floor(pos);
    if (i >= this.counts.length) return 1;
    const f = pos - i;
    return this.cumulative[i]! + f * (this.cumulative[i + 1]! - this.cumulative[i]!);
  }

  /** The CDF at the bin edges (index i = i * binSec), for callers that interpolate
   * thousands of times per decision. Valid until the next `observe`. */
  cdfAtBinEdges(): { readonly values: Float64Array; readonly binSec: number } {
    this.refresh();
    return { values: this.cumulative, binSec: this.options.binSec };
  }

  mean(): number {
    this.refresh();
    let m = 0;
    for (let i = 0; i < this.counts.length; i += 1) {
      m += (this.cumulative[i + 1]! - this.cumulative[i]!) * (i + 0.5) * this.options.binSec;
    }
    return m;
  }
}
