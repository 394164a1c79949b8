/**
 * Standard normal CDF. Pacing evaluates it thousands of times per decision, so it is a
 * table lookup with linear interpolation (error < 1e-6) over an erfc approximation.
 */
const Z_MAX = 8.5;
const STEP = 0.005;
const TABLE_SIZE = Math.round((2 * Z_MAX) / STEP) + 1;

/** Abramowitz-Stegun 7.1.26 is too coarse in the tails; this is W. J. Cody's rational
 * erfc via the complementary error function continued form (Numerical Recipes erfcc). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

export function normalCdfExact(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

const table = new Float64Array(TABLE_SIZE);
for (let i = 0; i < TABLE_SIZE; i += 1) table[i] = normalCdfExact(-Z_MAX + i * STEP);

export function normalCdf(z: number): number {
  if (z <= -Z_MAX) return 0;
  if (z >= Z_MAX) return 1;
  const pos = (z + Z_MAX) / STEP;
  const i = Math.floor(pos);
  const f = pos - i;
  return table[i]! + f * (table[i + 1]! - table[i]!);
}
