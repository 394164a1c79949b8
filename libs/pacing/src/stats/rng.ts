/**
 * A seeded pseudo-random source. The simulator needs runs that repeat bit for bit for a
 * seed (so a benchmark figure can be reproduced), which Math.random cannot give.
 */
export interface Rng {
  /** Uniform on (0, 1): never exactly 0, so `-log(u)` is always finite. */
  next(): number;
}

/** mulberry32: tiny, fast and good enough for simulation (not for cryptography). */
export function createRng(seed: number): Rng {
  let state = (seed >>> 0) ^ 0x9e3779b9;
  return {
    next(): number {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      return u === 0 ? 1 / 8589934592 : u;
    },
  };
}

/** Derives independent streams from one seed, so changing how often one stream is used
 * (e.g. a policy that dials more) does not shift the numbers another stream sees. */
export function deriveSeed(seed: number, stream: number): number {
  let h = (seed ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Standard normal by Box-Muller (one value per call; the spare is dropped for simplicity). */
export function nextNormal(rng: Rng): number {
  const u = rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
