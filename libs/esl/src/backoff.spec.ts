import { backoffDelay, DEFAULT_BACKOFF } from './backoff';

describe('backoffDelay', () => {
  const opts = { initialDelayMs: 100, maxDelayMs: 2_000, factor: 2, jitter: 0.5 };

  it('grows exponentially and is capped', () => {
    const top = (a: number) => backoffDelay(a, opts, () => 1);
    expect([0, 1, 2, 3, 4, 5, 10, 1000].map(top)).toEqual([100, 200, 400, 800, 1600, 2000, 2000, 2000]);
  });

  it('randomises the jittered share only: between half and all of the delay at jitter 0.5', () => {
    expect(backoffDelay(3, opts, () => 0)).toBe(400);
    expect(backoffDelay(3, opts, () => 1)).toBe(800);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(i % 8, opts);
      const cap = Math.min(2_000, 100 * 2 ** (i % 8));
      expect(d).toBeGreaterThanOrEqual(cap / 2);
      expect(d).toBeLessThanOrEqual(cap);
    }
  });

  it('spreads a fleet: 100 clients at the same attempt do not all wait the same', () => {
    const delays = new Set(Array.from({ length: 100 }, () => backoffDelay(4, DEFAULT_BACKOFF)));
    expect(delays.size).toBeGreaterThan(20);
  });

  it('is exact without jitter, and survives absurd attempts', () => {
    expect(backoffDelay(2, { ...opts, jitter: 0 })).toBe(400);
    expect(backoffDelay(1e9, opts, () => 1)).toBe(2_000);
    expect(backoffDelay(-3, opts, () => 1)).toBe(100);
  });
});
