import { PacingError } from '../errors';
import { lognormalParams, type DistributionSpec } from '../stats/distribution';
import { normalCdf } from '../stats/normal';

export interface DurationEstimatorOptions {
  /** Prior mean and coefficient of variation, worth `priorWeight` observations. */
  priorMean: number;
  priorCv: number;
  priorWeight: number;
  /** Effective memory in observations (exponential forgetting, for drift). */
  memory: number;
  /**
   * Observations over which the prior fades (exponentially, like `memory`; default
   * `memory`). A short one makes the estimate the observed durations' after a few of
   * them, whatever the prior assumed: a caller whose clock is not the prior's (a
   * time-scaled simulation, a list with 20 s calls) is not dragged for hundreds of calls.
   */
  priorMemory?: number;
}

export interface DurationState {
  priorWeight: number;
  priorSum: number;
  priorSumSquares: number;
  realWeight: number;
  realSum: number;
  realSumSquares: number;
}

/** Below this the fitted lognormal is treated as a point mass (e.g. a fixed wrap-up). */
const MIN_SIGMA = 0.02;
/** CDF table: 0.25 s resolution over an hour; beyond it the CDF is computed. */
const TABLE_STEP = 0.25;
const TABLE_POINTS = 14_400;
/** Change of the mean (relative) or of the cv (absolute) that rebuilds the table. */
const TABLE_TOLERANCE = 0.01;

/**
 * Talk-time and wrap-up distributions, learned online. It keeps discounted first and
 * second moments of the raw durations and fits a lognormal to them: matching the mean
 * keeps throughput forecasts unbiased whatever the true shape, and the lognormal's heavy
 * tail makes "this call has lasted 6 minutes already" mean "it may well last longer",
 * which is how real talk times behave.
 */
export class DurationEstimator {
  // The prior enters as pseudo-observations that decay like real ones (or faster, with
  // `priorMemory`), so after a few memories it is gone (a fixed 15 s wrap-up ends up a
  // point mass, not cv 0.1).
  private priorWeight: number;
  private priorSum: number;
  private priorSumSquares: number;
  private realWeight = 0;
  private realSum = 0;
  private realSumSquares = 0;
  private readonly decay: number;
  private readonly priorDecay: number;
  private cachedMu = 0;
  private cachedSigma = 0;
  private dirty = true;

  constructor(private readonly options: DurationEstimatorOptions) {
    if (
      !(options.priorMean > 0) ||
      !(options.priorCv >= 0) ||
      !(options.priorWeight > 0) ||
      !(options.memory >= 1) ||
      !((options.priorMemory ?? options.memory) >= 1)
    ) {
      throw new PacingError('PACING_INVALID_ARGUMENT', 'invalid duration estimator options', options);
    }
    this.decay = 1 - 1 / options.memory;
    this.priorDecay = 1 - 1 / (options.priorMemory ?? options.memory);
    this.priorWeight = options.priorWeight;
    this.priorSum = options.priorMean * options.priorWeight;
    this.priorSumSquares =
      options.priorMean * options.priorMean * (1 + options.priorCv * options.priorCv) * options.priorWeight;
  }

  observe(durationSec: number): void {
    if (!(durationSec >= 0) || !Number.isFinite(durationSec)) {
      throw new PacingError(
        'PACING_INVALID_ARGUMENT',
        `duration must be a finite number >= 0, got ${durationSec}`,
      );
    }
    this.priorWeight *= this.priorDecay;
    this.priorSum *= this.priorDecay;
    this.priorSumSquares *= this.priorDecay;
    this.realWeight = this.realWeight * this.decay + 1;
    this.realSum = this.realSum * this.decay + durationSec;
    this.realSumSquares = this.realSumSquares * this.decay + durationSec * durationSec;
    this.dirty = true;
  }

  /** Effective number of real observations behind the estimate (decayed). */
  get observations(): number {
    return this.realWeight;
  }

  /** What it has learned, prior included, as plain numbers (see ForecastPacer.exportState). */
  exportState(): DurationState {
    return {
      priorWeight: this.priorWeight,
      priorSum: this.priorSum,
      priorSumSquares: this.priorSumSquares,
      realWeight: this.realWeight,
      realSum: this.realSum,
      realSumSquares: this.realSumSquares,
    };
  }

  /** Continues from an exported state; the caller has validated that the numbers are finite. */
  importState(state: DurationState): void {
    const weights = state.priorWeight + state.realWeight;
    if (!(
      state.priorWeight >= 0 &&
      state.realWeight >= 0 &&
      weights > 0 &&
      state.priorSum + state.realSum > 0
    )) {
      throw new PacingError(
        'PACING_INVALID_STATE',
        'duration state needs weights >= 0 and a positive mean',
        state,
      );
    }
    this.priorWeight = state.priorWeight;
    this.priorSum = state.priorSum;
    this.priorSumSquares = state.priorSumSquares;
    this.realWeight = state.realWeight;
    this.realSum = state.realSum;
    this.realSumSquares = state.realSumSquares;
    this.dirty = true;
  }

  get mean(): number {
    return (this.priorSum + this.realSum) / (this.priorWeight + this.realWeight);
  }

  get cv(): number {
    const m = this.mean;
    const second = (this.priorSumSquares + this.realSumSquares) / (this.priorWeight + this.realWeight);
    const variance = Math.max(0, second - m * m);
    return m > 0 ? Math.sqrt(variance) / m : 0;
  }

  /** The fitted distribution, e.g. for reporting or for a Monte-Carlo caller. */
  toSpec(): DistributionSpec {
    return { type: 'lognormal', mean: this.mean, cv: this.cv };
  }

  private refresh(): void {
    if (!this.dirty) return;
    const { mu, sigma } = lognormalParams(this.mean, this.cv);
    this.cachedMu = mu;
    this.cachedSigma = sigma;
    this.dirty = false;
  }

  /** P(T <= x). */
  cdf(x: number): number {
    if (x <= 0) return 0;
    this.refresh();
    if (this.cachedSigma < MIN_SIGMA) return x >= Math.exp(this.cachedMu) ? 1 : 0;
    return normalCdf((Math.log(x) - this.cachedMu) / this.cachedSigma);
  }

  /**
   * P(T <= elapsed + extra | T > elapsed): the chance that something which has lasted
   * `elapsed` seconds ends within `extra` more. When the fit says it should already have
   * ended (a point mass passed), it ends "now".
   */
  conditionalCdf(elapsed: number, extra: number): number {
    if (extra <= 0) return 0;
    const before = this.cdf(elapsed);
    const survive = 1 - before;
    if (survive <= 1e-9) return 1;
    return Math.min(1, Math.max(0, (this.cdf(elapsed + extra) - before) / survive));
  }

  /** Writes P(T <= elapsed + k*step - shift | T > elapsed) for k = 0.. into `out`.
   * This is the hot path of a pacing decision (every busy agent, every grid point), so
   * it reads a CDF table rebuilt only when the fit moved by more than TABLE_TOLERANCE. */
  fillConditionalCdf(elapsed: number, shift: number, step: number, out: Float64Array): void {
    this.refreshTable();
    const before = this.tableCdf(elapsed);
    const survive = 1 - before;
    for (let k = 0; k < out.length; k += 1) {
      const extra = k * step - shift;
      if (extra <= 0) out[k] = 0;
      else if (survive <= 1e-9) out[k] = 1;
      else {
        const p = (this.tableCdf(elapsed + extra) - before) / survive;
        out[k] = p < 0 ? 0 : p > 1 ? 1 : p;
      }
    }
  }

  private table = new Float64Array(0);
  private tableMean = -1;
  private tableCv = -1;

  private refreshTable(): void {
    const mean = this.mean;
    const cv = this.cv;
    if (
      this.table.length > 0 &&
      Math.abs(mean - this.tableMean) <= TABLE_TOLERANCE * this.tableMean &&
      Math.abs(cv - this.tableCv) <= TABLE_TOLERANCE
    ) {
      return;
    }
    this.tableMean = mean;
    this.tableCv = cv;
    if (this.table.length === 0) this.table = new Float64Array(TABLE_POINTS + 1);
    for (let i = 0; i <= TABLE_POINTS; i += 1) this.table[i] = this.cdf(i * TABLE_STEP);
  }

  private tableCdf(x: number): number {
    if (x <= 0) return 0;
    const pos = x / TABLE_STEP;
    const i = Math.floor(pos);
    if (i >= TABLE_POINTS) return this.cdf(x);
    const a = this.table[i]!;
    return a + (pos - i) * (this.table[i + 1]! - a);
  }
}
