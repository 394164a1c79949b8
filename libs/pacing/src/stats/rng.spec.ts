import { createRng, deriveSeed, nextNormal } from './rng';

describe('createRng', () => {
  it('repeats the same sequence for the same seed and differs across seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it('stays in (0, 1) with a mean near 1/2', () => {
    const rng = createRng(7);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i += 1) {
      const u = rng.next();
      if (!(u > 0 && u < 1)) outside += 1;
      sum += u;
    }
    expect(outside).toBe(0);
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
  });

  it('derives distinct stream seeds', () => {
    const seeds = new Set([0, 1, 2, 3, 4].map((s) => deriveSeed(1, s)));
    expect(seeds.size).toBe(5);
  });

  it('draws standard normals', () => {
    const rng = createRng(3);
    let sum = 0;
    let sq = 0;
    const n = 50_000;
    for (let i = 0; i < n; i += 1) {
      const z = nextNormal(rng);
      sum += z;
      sq += z * z;
    }
    expect(sum / n).toBeCloseTo(0, 1);
    expect(sq / n).toBeCloseTo(1, 1);
  });
});
