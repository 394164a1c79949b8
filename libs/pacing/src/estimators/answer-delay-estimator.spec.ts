import { distributionCdf, sampleDistribution } from '../stats/distribution';
import { createRng } from '../stats/rng';
import { AnswerDelayEstimator } from './answer-delay-estimator';

const options = { timeoutSec: 25, binSec: 0.5, priorUniformUpToSec: 12.5, priorWeight: 5, memory: 2000 };

describe('AnswerDelayEstimator (time to answer)', () => {
  it('starts from a cautious prior: answers spread over the first half of the timeout', () => {
    const e = new AnswerDelayEstimator(options);
    expect(e.cdf(6.25)).toBeCloseTo(0.5, 5);
    expect(e.cdf(12.5)).toBeCloseTo(1, 5);
    expect(e.cdf(0)).toBe(0);
  });

  it('learns 3 s + exponential(9 s), truncated at the timeout', () => {
    const e = new AnswerDelayEstimator(options);
    const rng = createRng(4);
    const spec = { type: 'shiftedExponential', shift: 3, mean: 9 } as const;
    for (let i = 0; i < 5000; i += 1) {
      const d = sampleDistribution(spec, rng);
      if (d <= 25) e.observe(d);
    }
    const truncated = (x: number): number => distributionCdf(spec, x) / distributionCdf(spec, 25);
    for (const x of [2.9, 4, 8, 15, 24]) expect(Math.abs(e.cdf(x) - truncated(x))).toBeLessThan(0.03);
    expect(e.cdf(30)).toBe(1);
  });

  it('is monotone', () => {
    const e = new AnswerDelayEstimator(options);
    for (const d of [5, 5.2, 9, 20, 3]) e.observe(d);
    let last = 0;
    for (let t = 0; t <= 26; t += 0.1) {
      expect(e.cdf(t)).toBeGreaterThanOrEqual(last - 1e-12);
      last = e.cdf(t);
    }
  });
});
