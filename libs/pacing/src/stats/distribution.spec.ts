import { PacingError } from '../errors';
import {
  assertValidDistribution,
  distributionCdf,
  distributionMean,
  sampleDistribution,
  type DistributionSpec,
} from './distribution';
import { createRng } from './rng';

const specs: DistributionSpec[] = [
  { type: 'fixed', value: 15 },
  { type: 'exponential', mean: 9 },
  { type: 'lognormal', mean: 120, cv: 1 },
  { type: 'shiftedExponential', shift: 3, mean: 9 },
];

describe('distributions', () => {
  it.each(specs)('samples of %j have the stated mean and follow the CDF', (spec) => {
    const rng = createRng(11);
    const n = 100_000;
    const xs = Array.from({ length: n }, () => sampleDistribution(spec, rng));
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    expect(Math.abs(mean - distributionMean(spec)) / distributionMean(spec)).toBeLessThan(0.02);
    for (const q of [0.8, 1, 1.5]) {
      const x = distributionMean(spec) * q;
      const empirical = xs.filter((v) => v <= x).length / n;
      expect(Math.abs(empirical - distributionCdf(spec, x))).toBeLessThan(0.01);
    }
  });

  it('lognormal with cv 1 has the right spread', () => {
    const rng = createRng(5);
    const n = 200_000;
    const xs = Array.from({ length: n }, () =>
      sampleDistribution({ type: 'lognormal', mean: 120, cv: 1 }, rng),
    );
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    expect(sd / mean).toBeGreaterThan(0.9);
    expect(sd / mean).toBeLessThan(1.1);
  });

  it('shiftedExponential never answers before the shift', () => {
    expect(distributionCdf({ type: 'shiftedExponential', shift: 3, mean: 9 }, 2.99)).toBe(0);
  });

  it('rejects invalid parameters with a typed error', () => {
    expect(() => assertValidDistribution({ type: 'exponential', mean: 0 }, 'talkSec')).toThrow(PacingError);
    try {
      assertValidDistribution({ type: 'lognormal', mean: 10, cv: -1 }, 'talkSec');
    } catch (e) {
      expect((e as PacingError).code).toBe('PACING_INVALID_DISTRIBUTION');
    }
  });
});
