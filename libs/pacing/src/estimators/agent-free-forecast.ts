import type { AgentSnapshot } from '../policies/campaign-snapshot';
import type { DurationEstimator } from './duration-estimator';

/**
 * An agent's time until free, as a CDF on a grid: out[k] = P(free by now + k * step).
 * Ready: free now. Wrapping: the wrap-up CDF given how long it has run. Talking (or
 * reserved, i.e. about to talk): the talk CDF given how long it has run, then the mean
 * wrap-up (wrap-ups vary little next to talk times, and the mean keeps this one table
 * lookup per point). Not ready: never, as far as the forecast is concerned.
 */
export function fillAgentFreeCdf(
  agent: AgentSnapshot,
  now: number,
  talk: DurationEstimator,
  wrap: DurationEstimator,
  step: number,
  out: Float64Array,
): void {
  switch (agent.state) {
    case 'ready':
      out.fill(1);
      return;
    case 'notReady':
      out.fill(0);
      return;
    case 'wrapping':
      wrap.fillConditionalCdf(Math.max(0, now - agent.since), 0, step, out);
      return;
    case 'talking':
      talk.fillConditionalCdf(Math.max(0, now - agent.since), wrap.mean, step, out);
      return;
    case 'reserved':
      talk.fillConditionalCdf(0, wrap.mean, step, out);
      return;
  }
}
