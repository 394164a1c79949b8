import { fillAgentFreeCdf } from './agent-free-forecast';
import { DurationEstimator } from './duration-estimator';

function learned(value: number, cv = 0): DurationEstimator {
  const e = new DurationEstimator({ priorMean: value, priorCv: cv, priorWeight: 1000, memory: 1000 });
  return e;
}

describe("fillAgentFreeCdf (agents' time until free)", () => {
  const talk = new DurationEstimator({ priorMean: 120, priorCv: 1, priorWeight: 1000, memory: 1000 });
  const wrap = learned(15);
  const out = new Float64Array(61); // 30 s at 0.5 s

  it('a ready agent is free now; a not-ready one never', () => {
    fillAgentFreeCdf({ id: 'a', state: 'ready', since: 0 }, 100, talk, wrap, 0.5, out);
    expect(Array.from(out).every((p) => p === 1)).toBe(true);
    fillAgentFreeCdf({ id: 'a', state: 'notReady', since: 0 }, 100, talk, wrap, 0.5, out);
    expect(Array.from(out).every((p) => p === 0)).toBe(true);
  });

  it('13 s into a fixed 15 s wrap-up: free in 2 s', () => {
    fillAgentFreeCdf({ id: 'a', state: 'wrapping', since: 87 }, 100, talk, wrap, 0.5, out);
    expect(out[3]).toBeLessThan(0.05); // 1.5 s
    expect(out[5]).toBeGreaterThan(0.95); // 2.5 s
  });

  it('talking: never free before the wrap-up could end, and a CDF (monotone, <= 1)', () => {
    fillAgentFreeCdf({ id: 'a', state: 'talking', since: 40 }, 100, talk, wrap, 0.5, out);
    for (let k = 0; k <= 30; k += 1) expect(out[k]).toBe(0); // first 15 s: the wrap-up
    for (let k = 1; k < out.length; k += 1) expect(out[k]!).toBeGreaterThanOrEqual(out[k - 1]!);
    expect(out[60]!).toBeGreaterThan(0);
    expect(out[60]!).toBeLessThanOrEqual(1);
  });

  it('a call that has lasted 10 minutes is less likely to end soon than one at 1 minute', () => {
    const long = new Float64Array(61);
    fillAgentFreeCdf({ id: 'a', state: 'talking', since: 0 }, 600, talk, learned(0.001), 0.5, long);
    fillAgentFreeCdf({ id: 'a', state: 'talking', since: 540 }, 600, talk, learned(0.001), 0.5, out);
    expect(long[60]!).toBeLessThan(out[60]!);
  });
});
