import { distributionCdf, sampleDistribution } from '../stats/distribution';
import { createRng } from '../stats/rng';
import { DurationEstimator } from './duration-estimator';

const options = { priorMean: 180, priorCv: 1, priorWeight: 3, memory: 600 };

describe('DurationEstimator (talk and wrap-up times)', () => {
  it('uses the prior with no history', () => {
    const e = new DurationEstimator(options);
    expect(e.mean).toBe(180);
    expect(e.cv).toBeCloseTo(1, 6);
  });

  it('learns a lognormal talk time (mean 120, cv 1)', () => {
    const e = new DurationEstimator(options);
    const rng = createRng(9);
    for (let i = 0; i < 3000; i += 1)
      e.observe(sampleDistribution({ type: 'lognormal', mean: 120, cv: 1 }, rng));
    expect(e.mean).toBeGreaterThan(110);
    expect(e.mean).toBeLessThan(130);
    expect(e.cv).toBeGreaterThan(0.8);
    expect(e.cv).toBeLessThan(1.2);
    const truth = { type: 'lognormal', mean: 120, cv: 1 } as const;
    for (const x of [30, 85, 200, 400])
      expect(Math.abs(e.cdf(x) - distributionCdf(truth, x))).toBeLessThan(0.04);
  });

  it('learns a fixed wrap-up as (nearly) a point mass', () => {
    const e = new DurationEstimator({ priorMean: 30, priorCv: 0.5, priorWeight: 3, memory: 600 });
    for (let i = 0; i < 2000; i += 1) e.observe(15);
    expect(e.mean).toBeCloseTo(15, 0);
    expect(e.cdf(14)).toBeLessThan(0.05);
    expect(e.cdf(16)).toBeGreaterThan(0.95);
    // Someone who has wrapped for 14 s ends within 2 s; someone at 2 s does not.
    expect(e.conditionalCdf(14, 2)).toBeGreaterThan(0.9);
    expect(e.conditionalCdf(2, 2)).toBeLessThan(0.05);
  });

  it('knows long calls tend to go on (heavy tail): conditional CDF falls with elapsed time', () => {
    const e = new DurationEstimator({ priorMean: 120, priorCv: 1, priorWeight: 1000, memory: 1000 });
    expect(e.conditionalCdf(600, 20)).toBeLessThan(e.conditionalCdf(60, 20));
  });

  it('fills the forecast grid like conditionalCdf does', () => {
    const e = new DurationEstimator({ priorMean: 120, priorCv: 1, priorWeight: 10, memory: 100 });
    const out = new Float64Array(60);
    e.fillConditionalCdf(45, 15, 0.5, out);
    for (let k = 0; k < out.length; k += 1) {
      expect(out[k]).toBeCloseTo(e.conditionalCdf(45, k * 0.5 - 15), 3);
    }
  });

  it('follows drift in talk time', () => {
    const e = new DurationEstimator({ ...options, memory: 200 });
    for (let i = 0; i < 1000; i += 1) e.observe(100);
    for (let i = 0; i < 1000; i += 1) e.observe(200);
    expect(e.mean).toBeGreaterThan(195);
  });

  it('with a short priorMemory, is the observed durations after a few of them, whatever the prior said', () => {
    // A time-scaled world (fs-sim at 0.1): talks of about 7 s against the 180 s prior.
    const prior = { priorMean: 180, priorCv: 1, priorWeight: 3, memory: 600 };
    const slow = new DurationEstimator(prior);
    const fast = new DurationEstimator({ ...prior, priorMemory: 10 });
    for (let i = 0; i < 60; i += 1) {
      slow.observe(6 + (i % 3));
      fast.observe(6 + (i % 3));
    }
    expect(slow.mean).toBeGreaterThan(14);
    expect(fast.mean).toBeGreaterThan(7);
    expect(fast.mean).toBeLessThan(7.2);
    // With no observation yet the prior stands either way.
    expect(new DurationEstimator({ ...prior, priorMemory: 10 }).mean).toBe(180);
  });

  it('rejects negative durations', () => {
    expect(() => new DurationEstimator(options).observe(-1)).toThrow(/duration/);
  });
});
