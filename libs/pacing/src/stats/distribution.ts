import { PacingError } from '../errors';
import { normalCdf } from './normal';
import { nextNormal, type Rng } from './rng';

/** Durations in seconds, as scenario files and estimators describe them. */
export type DistributionSpec =
  | { type: 'fixed'; value: number }
  | { type: 'exponential'; mean: number }
  | { type: 'lognormal'; mean: number; cv: number }
  /** `shift` seconds, then an exponential with mean `mean` (total mean = shift + mean). */
  | { type: 'shiftedExponential'; shift: number; mean: number };

/** lognormal parameters from mean and coefficient of variation (what people can state). */
export function lognormalParams(mean: number, cv: number): { mu: number; sigma: number } {
  const sigma2 = Math.log(1 + cv * cv);
  return { mu: Math.log(mean) - sigma2 / 2, sigma: Math.sqrt(sigma2) };
}

export function assertValidDistribution(spec: DistributionSpec, what: string): void {
  const bad = (why: string): never => {
    throw new PacingError('PACING_INVALID_DISTRIBUTION', `${what}: ${why}`, spec);
  };
  switch (spec.type) {
    case 'fixed':
      if (!(spec.value >= 0)) bad('value must be >= 0');
      return;
    case 'exponential':
      if (!(spec.mean > 0)) bad('mean must be > 0');
      return;
    case 'lognormal':
      if (!(spec.mean > 0)) bad('mean must be > 0');
      if (!(spec.cv >= 0)) bad('cv must be >= 0');
      return;
    case 'shiftedExponential':
      if (!(spec.shift >= 0)) bad('shift must be >= 0');
      if (!(spec.mean > 0)) bad('mean must be > 0');
      return;
  }
}

export function distributionMean(spec: DistributionSpec): number {
  switch (spec.type) {
    case 'fixed':
      return spec.value;
    case 'exponential':
      return spec.mean;
    case 'lognormal':
      return spec.mean;
    case 'shiftedExponential':
      return spec.shift + spec.mean;
  }
}

export function sampleDistribution(spec: DistributionSpec, rng: Rng): number {
  switch (spec.type) {
    case 'fixed':
      return spec.value;
    case 'exponential':
      return -spec.mean * Math.log(rng.next());
    case 'lognormal': {
      if (spec.cv === 0) return spec.mean;
      const { mu, sigma } = lognormalParams(spec.mean, spec.cv);
      return Math.exp(mu + sigma * nextNormal(rng));
    }
    case 'shiftedExponential':
      return spec.shift - spec.mean * Math.log(rng.next());
  }
}

/** P(X <= x). */
export function distributionCdf(spec: DistributionSpec, x: number): number {
  switch (spec.type) {
    case 'fixed':
      return x >= spec.value ? 1 : 0;
    case 'exponential':
      return x <= 0 ? 0 : 1 - Math.exp(-x / spec.mean);
    case 'lognormal': {
      if (x <= 0) return 0;
      if (spec.cv === 0) return x >= spec.mean ? 1 : 0;
      const { mu, sigma } = lognormalParams(spec.mean, spec.cv);
      return normalCdf((Math.log(x) - mu) / sigma);
    }
    case 'shiftedExponential':
      return x <= spec.shift ? 0 : 1 - Math.exp(-(x - spec.shift) / spec.mean);
  }
}
