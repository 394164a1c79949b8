import { PacingError } from '../errors';

export interface ProportionEstimatorOptions {
  /** What to believe before any observation (e.g. a conservative live-answer rate). */
  priorMean: number;
  /** How many observations the prior is worth; it fades as real ones arrive. */
  priorWeight: number;
  /** Effective memory in observations: older outcomes decay by (1 - 1/memory) per new
   * one, so the estimate follows drift over the day (lists get colder, lunch hours). */
  memory: number;
}

export interface ProportionState {
  successes: number;
  trials: number;
}

/**
 * A discounted Beta-Bernoulli estimate of a probability (live answer, machine answer).
 * At campaign start the prior dominates; `upperBound` lets a cautious caller plan for a
 * higher answer rate than observed while few outcomes are known.
 */
export class ProportionEstimator {
  private successes = 0;
  private trials = 0;
  private readonly decay: number;

  constructor(private readonly options: ProportionEstimatorOptions) {
    if (!(options.priorMean >= 0 && options.priorMean <= 1)) {
      throw new PacingError('PACING_INVALID_ARGUMENT', 'priorMean must be in [0, 1]', options);
    }
    if (!(options.priorWeight > 0) || !(options.memory >= 1)) {
      throw new PacingError('PACING_INVALID_ARGUMENT', 'priorWeight must be > 0 and memory >= 1', options);
    }
    this.decay = 1 - 1 / options.memory;
  }

  observe(success: boolean): void {
    this.successes = this.successes * this.decay + (success ? 1 : 0);
    this.trials = this.trials * this.decay + 1;
  }

  /** Effective number of observations behind the estimate (decayed). */
  get observations(): number {
    return this.trials;
  }

  /** What it has learned, as plain numbers (see ForecastPacer.exportState). */
  exportState(): ProportionState {
    return { successes: this.successes, trials: this.trials };
  }

  /** Continues from an exported state; the caller has validated it. */
  importState(state: ProportionState): void {
    if (!(state.successes >= 0 && state.trials >= state.successes)) {
      throw new PacingError('PACING_INVALID_STATE', 'proportion state needs 0 <= successes <= trials', state);
    }
    this.successes = state.successes;
    this.trials = state.trials;
  }

  get mean(): number {
    const { priorMean, priorWeight } = this.options;
    return (this.successes + priorMean * priorWeight) / (this.trials + priorWeight);
  }

  /** mean + z standard errors, clamped to [0, 1]. */
  upperBound(z: number): number {
    const m = this.mean;
    const n = this.trials + this.options.priorWeight;
    return Math.min(1, m + z * Math.sqrt((m * (1 - m)) / n));
  }
}
