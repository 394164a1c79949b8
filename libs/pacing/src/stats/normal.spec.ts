import { normalCdf, normalCdfExact } from './normal';

describe('normalCdf', () => {
  it.each([
    [0, 0.5],
    [1, 0.841344746],
    [-1.959963985, 0.025],
    [2.326347874, 0.99],
    [-3, 0.001349898],
  ])('Phi(%p) = %p', (z, p) => {
    expect(normalCdfExact(z)).toBeCloseTo(p, 6);
    expect(normalCdf(z)).toBeCloseTo(p, 5);
  });

  it('saturates far in the tails and is monotone', () => {
    expect(normalCdf(-20)).toBe(0);
    expect(normalCdf(20)).toBe(1);
    let last = 0;
    for (let z = -9; z <= 9; z += 0.013) {
      const p = normalCdf(z);
      expect(p).toBeGreaterThanOrEqual(last);
      last = p;
    }
  });
});
