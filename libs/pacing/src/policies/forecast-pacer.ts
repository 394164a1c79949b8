import { AbandonLedger, type AbandonBudget, type AbandonRule } from '../abandon/abandon-ledger';
import { fillAgentFreeCdf } from '../estimators/agent-free-forecast';
import { z } from 'zod';
import { AnswerDelayEstimator } from '../estimators/answer-delay-estimator';
import { DurationEstimator } from '../estimators/duration-estimator';
import { ProportionEstimator } from '../estimators/proportion-estimator';
import { PacingError } from '../errors';
import { normalCdf } from '../stats/normal';
import type { CampaignSnapshot, Pacer, PacingDecision, PacingEvent } from './campaign-snapshot';

export interface ForecastPacerOptions {
  rule: AbandonRule;
  capPercent: number;
  /** Plan for cap - margin: the safety margin the controller aims below the cap. */
  marginPercent: number;
  /** The 2-second rule. */
  graceSec: number;
  /** Second goal: at most `shortWaitShare` of connected calls wait longer than
   * `shortWaitSec` for their agent (answer-to-agent p99 < 1 s by default). A second
   * multiplier prices such waits; its own controller tunes it to the measured share. */
  shortWaitSec?: number;
  shortWaitShare?: number;
  noAnswerTimeoutSec: number;
  /** AMD listening time added between answer and "needs an agent" (0 without AMD). */
  amdDetectionSec?: number;
  /** AMD false-positive share, used by the UK rule to estimate the abandons it adds. */
  amdFalsePositiveRate?: number;
  /** Controller gain: log(threshold) moves by gain per unit of unspent (+) or overspent
   * (-) abandon budget. */
  gain?: number;
  /** Threshold before any live answer: low, so a campaign starts cautiously. */
  initialThreshold?: number;
  /** Forecast grid resolution. */
  stepSec?: number;
  /** Safety cap on calls in flight per working agent. */
  maxLinesPerAgent?: number;
  /**
   * Talks and wrap-ups over which the duration priors (180 s talk, 30 s wrap-up) fade
   * (default: the estimators' memory, 600). A live dialer passes a short one so that its
   * forecast of when agents free up is the observed durations' after a few calls, in
   * whatever clock the world runs (e.g. a time-scaled fs-sim).
   */
  durationPriorMemory?: number;
  /**
   * Gain of the forecast-led warm-up loops (default 0: off; 4 was measured). Both controllers also
   * move on the forecast's own expected abandons and long waits of every call placed, so
   * a campaign leaves its cautious start within tens of calls instead of waiting for
   * hundreds of live answers to show how rare abandons are (see `decide`).
   */
  forecastGain?: number;
}

const VARIANCE_FLOOR = 0.01;
const WAIT_GAIN = 0.2;
const WAIT_PRICE_START = 5;
const WAIT_PRICE_MIN = 0.01;
const WAIT_PRICE_MAX = 100;
const WAIT_INTEGRAL_MAX = Math.log(WAIT_PRICE_START / WAIT_PRICE_MIN) / WAIT_GAIN;
/** The forecast-led loops move log(threshold) and log(price) by at most this either way. */
/** Live answers after which the forecast-led loops count half: counted outcomes take over. */
const FORECAST_FADE_LIVE = 100;
const FORECAST_LOG_RANGE = Math.log(4);

const finite = z.number().finite();
const proportionState = z.object({ successes: finite, trials: finite }).strict();
const durationState = z
  .object({
    priorWeight: finite,
    priorSum: finite,
    priorSumSquares: finite,
    realWeight: finite,
    realSum: finite,
    realSumSquares: finite,
  })
  .strict();

/** The settings a saved state is only valid under (its numbers mean something else under others). */
const stateSettings = z
  .object({
    rule: z.enum(['US', 'UK']),
    capPercent: finite,
    marginPercent: finite,
    graceSec: finite,
    noAnswerTimeoutSec: finite,
    amdDetectionSec: finite,
    stepSec: finite,
    gain: finite,
    initialThreshold: finite,
  })
  .strict();

/** `ForecastPacer.exportState()`: version 1. */
export const ForecastPacerStateSchema = z
  .object({
    kind: z.literal('forecast'),
    version: z.literal(1),
    settings: stateSettings,
    needsAgent: proportionState,
    answeredOther: proportionState,
    answerDelay: z.object({ binSec: finite, counts: z.array(finite).max(100_000), total: finite }).strict(),
    talk: durationState,
    wrap: durationState,
    integral: finite,
    waitIntegral: finite,
    forecastIntegral: finite,
    forecastWaitIntegral: finite,
    liveCounted: finite.nonnegative(),
  })
  .strict();
export type ForecastPacerState = z.infer<typeof ForecastPacerStateSchema>;

/**
 * Predictive pacing by forecast. For each call it could place now it asks: given who is
 * talking or wrapping and for how long, which calls are ringing and for how long, and
 * what answers and talk times look like lately, how many extra abandons does this call
 * add (its own chance of finding no agent within the grace period, plus the calls it
 * would push back in the queue)? It places calls while that marginal cost per expected
 * live answer stays under a threshold, and a budget controller moves the threshold so
 * that the measured abandon rate spends the budget (cap - margin) and no more. Waits
 * longer than `shortWaitSec` are priced the same way (a second multiplier with its own
 * controller), which keeps the answer-to-agent p99 under a second.
 *
 * The forecast: cumulative agents free S(t) and agent-needing answers D(t) on a grid of
 * `stepSec`, each a sum of independent Bernoullis (one per agent, one per call) from the
 * estimators' conditional distributions, approximated as normal. A call that needs an
 * agent at t is served iff S(t + grace) > D(just before t) (FIFO queue).
 */
export class ForecastPacer implements Pacer {
  readonly mode = 'predictive' as const;
  readonly policy = 'forecast';

  readonly needsAgent = new ProportionEstimator({ priorMean: 0.5, priorWeight: 20, memory: 3000 });
  readonly answeredOther = new ProportionEstimator({ priorMean: 0.05, priorWeight: 20, memory: 3000 });
  readonly answerDelay: AnswerDelayEstimator;
  readonly talk: DurationEstimator;
  readonly wrap: DurationEstimator;
  readonly ledger: AbandonLedger;

  private integral = 0;
  private readonly gain: number;
  private readonly initialThreshold: number;
  private readonly step: number;
  private readonly steps: number;
  private readonly graceSteps: number;
  private readonly shortWaitSteps: number;
  private readonly shortWaitShare: number;
  /** Integral of (target share - long wait) over connected calls: prices long waits. */
  private waitIntegral = 0;
  private readonly detection: number;
  private readonly targetRate: number;
  private readonly integralMax: number;
  private readonly maxLinesPerAgent: number;
  private readonly forecastGain: number;
  /** Forecast-led loops: sum over placed calls of (target x q - expected abandons it adds),
   * and of (long-wait share x q - expected long waits it adds). */
  private forecastIntegral = 0;
  private forecastWaitIntegral = 0;
  /** The parts of the last `marginalCost`: expected extra abandons and long waits. */
  private lastAbandons = 0;
  private lastLate = 0;
  private liveCounted = 0;

  // Work arrays, reused across decisions (a decision must not allocate on the hot path).
  private readonly supplyMean: Float64Array;
  private readonly supplyVar: Float64Array;
  private readonly demandMean: Float64Array;
  private readonly demandVar: Float64Array;
  private readonly scratch: Float64Array;
  private readonly newCall: Float64Array;

  constructor(private readonly options: ForecastPacerOptions) {
    if (!(options.marginPercent >= 0 && options.marginPercent < options.capPercent)) {
      throw new PacingError('PACING_INVALID_ARGUMENT', 'marginPercent must be in [0, capPercent)', options);
    }
    if (!(options.graceSec >= 0) || !(options.noAnswerTimeoutSec > 0)) {
      throw new PacingError(
        'PACING_INVALID_ARGUMENT',
        'graceSec must be >= 0 and noAnswerTimeoutSec > 0',
        options,
      );
    }
    const priorMemory = options.durationPriorMemory ?? 600;
    this.talk = new DurationEstimator({
      priorMean: 180,
      priorCv: 1,
      priorWeight: 3,
      memory: 600,
      priorMemory,
    });
    this.wrap = new DurationEstimator({
      priorMean: 30,
      priorCv: 0.5,
      priorWeight: 3,
      memory: 600,
      priorMemory,
    });
    this.gain = options.gain ?? 0.1;
    this.initialThreshold = options.initialThreshold ?? 0.02;
    this.step = options.stepSec ?? 0.5;
    this.detection = options.amdDetectionSec ?? 0;
    this.maxLinesPerAgent = options.maxLinesPerAgent ?? 12;
    this.forecastGain = options.forecastGain ?? 0;
    if (!(this.forecastGain >= 0)) {
      throw new PacingError('PACING_INVALID_ARGUMENT', 'forecastGain must be >= 0', options);
    }
    this.graceSteps = Math.round(options.graceSec / this.step);
    this.shortWaitSteps = Math.min(this.graceSteps, Math.round((options.shortWaitSec ?? 1) / this.step));
    this.shortWaitShare = options.shortWaitShare ?? 0.006;
    this.steps = Math.ceil((options.noAnswerTimeoutSec + this.detection) / this.step) + 2;
    const total = this.steps + this.graceSteps + 1;
    this.supplyMean = new Float64Array(total);
    this.supplyVar = new Float64Array(total);
    this.demandMean = new Float64Array(this.steps);
    this.demandVar = new Float64Array(this.steps);
    this.scratch = new Float64Array(total);
    this.newCall = new Float64Array(this.steps);
    this.answerDelay = new AnswerDelayEstimator({
      timeoutSec: options.noAnswerTimeoutSec,
      binSec: this.step,
      priorUniformUpToSec: options.noAnswerTimeoutSec / 2,
      priorWeight: 5,
      memory: 2000,
    });
    this.ledger = new AbandonLedger({ rule: options.rule, capPercent: options.capPercent });
    this.targetRate = (options.capPercent - options.marginPercent) / 100;
    // Anti-windup: unspent budget beyond what lifts the threshold to 1 is forgotten, so
    // a quiet morning cannot license a burst of abandons in the afternoon.
    this.integralMax = Math.log(1 / this.initialThreshold) / this.gain;
  }

  /** The current marginal-abandon threshold (expected extra abandons per extra live answer). */
  get threshold(): number {
    const log = this.gain * this.integral + this.forecastWeight * this.forecastGain * this.forecastIntegral;
    return Math.min(1, Math.max(1e-5, this.initialThreshold * Math.exp(log)));
  }

  /** Price of one long wait, in abandons (second multiplier). */
  get longWaitPrice(): number {
    return Math.min(
      WAIT_PRICE_MAX,
      Math.max(
        WAIT_PRICE_MIN,
        WAIT_PRICE_START *
          Math.exp(
            -WAIT_GAIN * this.waitIntegral -
              this.forecastWeight * this.forecastGain * this.forecastWaitIntegral,
          ),
      ),
    );
  }

  budget(now: number): AbandonBudget {
    return this.ledger.budget(now);
  }

  /**
   * What this pacer has learned: the answer, talk and wrap-up estimates and the abandon
   * and long-wait controllers' integrals (the threshold and price it has reached). A new
   * pacer with the same settings that imports it decides as this one would, instead of
   * starting cautiously again: what a dialer replica that takes a campaign over needs, or
   * a campaign resumed the next morning. The abandon ledger (reporting only) is not in it.
   */
  exportState(): ForecastPacerState {
    return {
      kind: 'forecast',
      version: 1,
      settings: this.stateSettings(),
      needsAgent: this.needsAgent.exportState(),
      answeredOther: this.answeredOther.exportState(),
      answerDelay: this.answerDelay.exportState(),
      talk: this.talk.exportState(),
      wrap: this.wrap.exportState(),
      integral: this.integral,
      waitIntegral: this.waitIntegral,
      forecastIntegral: this.forecastIntegral,
      forecastWaitIntegral: this.forecastWaitIntegral,
      liveCounted: this.liveCounted,
    };
  }

  /**
   * Continues from `exportState()`'s output. All or nothing: a state of another version,
   * saved under other settings (cap, margin, grace, ring timeout, ...), or holding a bad
   * number throws PACING_INVALID_STATE and leaves this pacer as it was. The integrals are
   * clamped to this pacer's bounds, as if they had been reached here.
   */
  importState(input: unknown): void {
    const parsed = ForecastPacerStateSchema.safeParse(input);
    if (!parsed.success)
      throw new PacingError('PACING_INVALID_STATE', `not a forecast pacer state: ${parsed.error.message}`);
    const state = parsed.data;
    const mine = this.stateSettings();
    const differing = (Object.keys(mine) as Array<keyof typeof mine>).filter(
      (k) => mine[k] !== state.settings[k],
    );
    if (differing.length > 0)
      throw new PacingError(
        'PACING_INVALID_STATE',
        `state saved under other settings (${differing.join(', ')}); the pacer starts afresh`,
        { saved: state.settings, current: mine },
      );
    // Each estimator checks its own part; try them on copies first so a refusal changes nothing.
    const trial = new ForecastPacer(this.options);
    trial.applyState(state);
    this.applyState(state);
  }

  private applyState(state: ForecastPacerState): void {
    this.needsAgent.importState(state.needsAgent);
    this.answeredOther.importState(state.answeredOther);
    this.answerDelay.importState(state.answerDelay);
    this.talk.importState(state.talk);
    this.wrap.importState(state.wrap);
    const limit = this.forecastGain === 0 ? 0 : FORECAST_LOG_RANGE / this.forecastGain;
    this.integral = Math.min(this.integralMax, state.integral);
    this.waitIntegral = Math.min(WAIT_INTEGRAL_MAX, state.waitIntegral);
    this.forecastIntegral = Math.max(-limit, Math.min(limit, state.forecastIntegral));
    this.forecastWaitIntegral = Math.max(-limit, Math.min(limit, state.forecastWaitIntegral));
    this.liveCounted = state.liveCounted;
  }

  private stateSettings(): ForecastPacerState['settings'] {
    const o = this.options;
    return {
      rule: o.rule,
      capPercent: o.capPercent,
      marginPercent: o.marginPercent,
      graceSec: o.graceSec,
      noAnswerTimeoutSec: o.noAnswerTimeoutSec,
      amdDetectionSec: this.detection,
      stepSec: this.step,
      gain: this.gain,
      initialThreshold: this.initialThreshold,
    };
  }

  observe(event: PacingEvent): void {
    switch (event.type) {
      case 'answered':
        this.needsAgent.observe(event.needsAgent);
        this.answeredOther.observe(!event.needsAgent);
        this.answerDelay.observe(event.ringSec);
        return;
      case 'noAnswer':
        this.needsAgent.observe(false);
        this.answeredOther.observe(false);
        return;
      case 'liveAnswered': {
        this.ledger.recordLiveAnswer(event.at);
        this.liveCounted += 1;
        this.integral = Math.min(this.integralMax, this.integral + this.targetRate);
        // UK: people AMD hung up on count as abandoned. The dialer cannot see them one by
        // one; with a false-positive share fp, each person AMD passed stands for
        // fp / (1 - fp) people it did not.
        const fp = this.options.amdFalsePositiveRate ?? 0;
        if (this.options.rule === 'UK' && fp > 0 && fp < 1) {
          const weight = fp / (1 - fp);
          this.ledger.recordAmdFalsePositive(event.at, weight);
          this.integral += weight * this.targetRate - weight;
        }
        return;
      }
      case 'abandoned':
        this.ledger.recordAbandon(event.at);
        this.integral -= 1;
        return;
      case 'machineDetected':
        // Counted through liveAnswered (see above): most AMD hang-ups are machines.
        return;
      case 'talkEnded':
        this.talk.observe(event.talkSec);
        return;
      case 'wrapEnded':
        this.wrap.observe(event.wrapSec);
        return;
      case 'connected':
        this.waitIntegral += this.shortWaitShare - (event.waitSec > (this.options.shortWaitSec ?? 1) ? 1 : 0);
        this.waitIntegral = Math.min(this.waitIntegral, WAIT_INTEGRAL_MAX);
        return;
    }
  }

  decide(snapshot: CampaignSnapshot): PacingDecision {
    const { now } = snapshot;
    const step = this.step;
    const K = this.steps;
    const supplyMean = this.supplyMean;
    const supplyVar = this.supplyVar;
    supplyMean.fill(0);
    supplyVar.fill(0);
    let working = 0;
    for (const agent of snapshot.agents) {
      if (agent.state === 'notReady') continue;
      working += 1;
      if (agent.state === 'ready') {
        for (let k = 0; k < supplyMean.length; k += 1) supplyMean[k] += 1;
        continue;
      }
      fillAgentFreeCdf(agent, now, this.talk, this.wrap, step, this.scratch);
      for (let k = 0; k < supplyMean.length; k += 1) {
        const p = this.scratch[k]!;
        supplyMean[k] += p;
        supplyVar[k] += p * (1 - p);
      }
    }
    if (working === 0)
      return { dials: 0, reserveAgentIds: [], reason: 'no-agents', budget: this.ledger.budget(now) };

    const q = this.needsAgent.upperBound(1);
    // q is an upper bound and m a mean: keep q + m <= 1, or a call that has rung long
    // would look certain to be answered (the conditional below would exceed 1).
    const m = Math.min(this.answeredOther.mean, 1 - q);
    const qDetecting = q / Math.max(1e-9, q + m);
    const demandMean = this.demandMean;
    const demandVar = this.demandVar;
    demandMean.fill(0);
    demandVar.fill(0);
    const { values: edges, binSec } = this.answerDelay.cdfAtBinEdges();
    const lastEdge = edges.length - 1;
    const cdfAt = (t: number): number => {
      const pos = t / binSec;
      const i = Math.floor(pos);
      if (i >= lastEdge) return 1;
      if (i < 0) return 0;
      return edges[i]! + (pos - i) * (edges[i + 1]! - edges[i]!);
    };
    let inFlight = 0;
    for (const call of snapshot.calls) {
      inFlight += 1;
      if (call.state === 'waiting') {
        for (let k = 0; k < K; k += 1) demandMean[k] += 1;
        continue;
      }
      if (call.state === 'detecting') {
        const dueIn = (call.answeredAt ?? now) + this.detection - now;
        for (let k = 0; k < K; k += 1) {
          const p = k * step >= dueIn ? qDetecting : 0;
          demandMean[k] += p;
          demandVar[k] += p * (1 - p);
        }
        continue;
      }
      const age = Math.max(0, now - call.dialedAt);
      const fAge = cdfAt(age);
      const stillRinging = Math.max(1e-9, 1 - (q + m) * fAge);
      const scale = q / stillRinging;
      // The grid step equals the histogram bin, so F(age - detection + k*step) walks the
      // bin edges with one fixed interpolation fraction: no division in the inner loop.
      const shifted = (age - this.detection) / binSec;
      const firstK = Math.max(1, Math.floor(this.detection / step) + 1);
      const base = Math.floor(shifted);
      const frac = shifted - base;
      for (let k = firstK; k < K; k += 1) {
        const i = base + k;
        const f = i >= lastEdge ? 1 : i < 0 ? 0 : edges[i]! + frac * (edges[i + 1]! - edges[i]!);
        const p = Math.min(1, scale * (f - fAge));
        if (p <= 0) continue;
        demandMean[k] += p;
        demandVar[k] += p * (1 - p);
      }
    }

    const newCall = this.newCall;
    for (let k = 0; k < K; k += 1) {
      const t = k * step - this.detection;
      newCall[k] = t <= 0 ? 0 : q * this.answerDelay.cdf(t);
    }
    const qNew = newCall[K - 1]!;
    let threshold = this.threshold;
    const maxInFlight = this.maxLinesPerAgent * working;
    let dials = 0;
    while (inFlight + dials < maxInFlight) {
      const cost = this.marginalCost();
      // Written so that a NaN (a forecast gone wrong) stops dialing instead of allowing it.
      if (!(cost <= threshold * qNew)) break;
      dials += 1;
      this.learnFromForecast(qNew);
      threshold = this.threshold;
      for (let k = 0; k < K; k += 1) {
        const p = newCall[k]!;
        demandMean[k] += p;
        demandVar[k] += p * (1 - p);
      }
    }
    return {
      dials,
      reserveAgentIds: [],
      reason: dials > 0 ? 'forecast-under-threshold' : 'forecast-at-threshold',
      budget: this.ledger.budget(now),
    };
  }

  /** How much the forecast-led loops still count: n0 / (n0 + live answers counted). */
  private get forecastWeight(): number {
    return FORECAST_FADE_LIVE / (FORECAST_FADE_LIVE + this.liveCounted);
  }

  /**
   * The forecast-led loops. The marginal costs of the calls placed add up to the abandons
   * (and long waits) the forecast expects from them, so they can be steered long before
   * real abandons are frequent enough to count: log(threshold) rises while the calls
   * placed are expected to spend less than the target per live answer, and falls when
   * they are expected to spend more; likewise the long-wait price against its share. The
   * slow loops on counted abandons and waits (`observe`) stay on top and correct the
   * forecast's bias (it is cautious: agents are not re-freed within its horizon). Both
   * are bounded (FORECAST_LOG_RANGE): the forecast cannot talk the pacer into more than a
   * factor 4 either way, and they fade as live answers are counted (half weight at
   * FORECAST_FADE_LIVE) of what counted outcomes allow.
   */
  private learnFromForecast(qNew: number): void {
    if (this.forecastGain === 0) return;
    const limit = FORECAST_LOG_RANGE / this.forecastGain;
    this.forecastIntegral = Math.max(
      -limit,
      Math.min(limit, this.forecastIntegral + this.targetRate * qNew - this.lastAbandons),
    );
    this.forecastWaitIntegral = Math.max(
      -limit,
      Math.min(limit, this.forecastWaitIntegral + this.shortWaitShare * qNew - this.lastLate),
    );
  }

  /**
   * Expected extra cost if one more call is placed now, in abandons: its own chance of
   * finding no agent within the grace period plus the calls it would push back in the
   * queue, and the same for waits beyond `shortWaitSec`, priced by `longWaitPrice`.
   */
  private marginalCost(): number {
    const K = this.steps;
    const G = this.graceSteps;
    const W = this.shortWaitSteps;
    const price = this.longWaitPrice;
    const newCall = this.newCall;
    const sMean = this.supplyMean;
    const sVar = this.supplyVar;
    let abandons = 0;
    let late = 0;
    for (let k = 1; k < K; k += 1) {
      const arrivals = newCall[k]! - newCall[k - 1]!;
      const othersArrivals = this.demandMean[k]! - this.demandMean[k - 1]!;
      if (arrivals <= 1e-12 && othersArrivals <= 1e-12) continue;
      const dMid = 0.5 * (this.demandMean[k]! + this.demandMean[k - 1]!);
      const dVarMid = 0.5 * (this.demandVar[k]! + this.demandVar[k - 1]!);
      const n = 0.5 * (newCall[k]! + newCall[k - 1]!);
      // Not served within the grace period (abandoned), and not within the short wait.
      const muG = sMean[k + G]! - dMid;
      const sdG = Math.sqrt(sVar[k + G]! + dVarMid + VARIANCE_FLOOR);
      const muW = sMean[k + W]! - dMid;
      const sdW = Math.sqrt(sVar[k + W]! + dVarMid + VARIANCE_FLOOR);
      const abandon = normalCdf((0.5 - muG) / sdG);
      const lateOnly = normalCdf((0.5 - muW) / sdW) - abandon;
      abandons += arrivals * abandon;
      late += arrivals * lateOnly;
      if (othersArrivals > 1e-12) {
        const extraVar = n * (1 - n);
        const abandonWith = normalCdf((0.5 - (muG - n)) / Math.sqrt(sdG * sdG + extraVar));
        const lateWith = normalCdf((0.5 - (muW - n)) / Math.sqrt(sdW * sdW + extraVar)) - abandonWith;
        abandons += othersArrivals * (abandonWith - abandon);
        late += othersArrivals * (lateWith - lateOnly);
      }
    }
    this.lastAbandons = abandons;
    this.lastLate = late;
    return abandons + price * late;
  }
}
