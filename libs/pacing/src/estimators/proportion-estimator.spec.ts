import { PacingError } from '../errors';
import { createRng } from '../stats/rng';
import { ProportionEstimator } from './proportion-estimator';

describe('ProportionEstimator (live-answer probability)', () => {
  it('starts at the prior when nothing is known (campaign start)', () => {
    const e = new ProportionEstimator({ priorMean: 0.5, priorWeight: 20, memory: 1000 });
    expect(e.mean).toBe(0.5);
    expect(e.observations).toBe(0);
    expect(e.upperBound(1)).toBeGreaterThan(0.5);
  });

  it('converges to the observed rate', () => {
    const e = new ProportionEstimator({ priorMean: 0.5, priorWeight: 20, memory: 5000 });
    const rng = createRng(1);
    for (let i = 0; i < 4000; i += 1) e.observe(rng.next() < 0.25);
    expect(e.mean).toBeGreaterThan(0.23);
    expect(e.mean).toBeLessThan(0.27);
    expect(e.upperBound(1) - e.mean).toBeLessThan(0.01);
  });

  it('follows drift: a list that goes cold is noticed within its memory', () => {
    const e = new ProportionEstimator({ priorMean: 0.5, priorWeight: 20, memory: 500 });
    const rng = createRng(2);
    for (let i = 0; i < 3000; i += 1) e.observe(rng.next() < 0.3);
    for (let i = 0; i < 2000; i += 1) e.observe(rng.next() < 0.1);
    expect(e.mean).toBeGreaterThan(0.08);
    expect(e.mean).toBeLessThan(0.13);
  });

  it('rejects nonsense options with a stable code', () => {
    expect(() => new ProportionEstimator({ priorMean: 2, priorWeight: 1, memory: 10 })).toThrow(PacingError);
  });
});
