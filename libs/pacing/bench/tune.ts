import {
  policyLabel,
  simulate,
  type Scenario,
  type ScenarioPolicy,
  type SimulationResult,
} from '../src/index';

interface Knob {
  /** Other settings to try the search under (VICIdial's max level). */
  variants?: ScenarioPolicy[];
  /** Search every value of this grid instead of bisecting (for knobs whose effect on
   * the abandon rate is not monotone, like VICIdial's target difference). */
  grid?: number[];
  name: string;
  /** Larger = more aggressive. */
  lo: number;
  hi: number;
  resolution: number;
  apply(value: number): ScenarioPolicy;
}

function knobFor(policy: ScenarioPolicy): Knob | undefined {
  switch (policy.mode) {
    case 'ratio':
      return { name: 'k', lo: 1, hi: 10, resolution: 0.05, apply: (k) => ({ ...policy, k }) };
    case 'predictive':
      if (policy.policy === 'forecast') {
        // Aggressiveness is the inverse of the margin: search on -margin.
        return {
          name: '-marginPercent',
          lo: -2.9,
          hi: 0,
          resolution: 0.05,
          apply: (v) => ({ ...policy, marginPercent: Math.round(-v * 100) / 100 }),
        };
      }
      return {
        name: 'targetDifference',
        lo: -10,
        hi: 10,
        resolution: 0.1,
        apply: (t) => ({ ...policy, targetDifference: Math.round(t * 100) / 100 }),
        // The issue fixes the max level at 3, where the level often saturates and the
        // target stops mattering; a fair baseline may also raise VICIdial's "adaptive
        // maximum level", so the search covers it too.
        variants: [3, 4, 6, 8, 10, 12].map((maxLevel) => ({ ...policy, maxLevel })),
        grid: Array.from({ length: 15 }, (_, i) => -4 + i),
      };
    default:
      return undefined;
  }
}

/**
 * Finds, for each tunable policy, the most aggressive knob setting whose abandon rate
 * (whole run and worst regulator window) stays <= cap on EVERY seed of the scenario, by
 * bisection (abandon grows with aggressiveness; the bisection checks both ends).
 */
export function tunePolicies(
  scenario: Scenario,
  policies: readonly ScenarioPolicy[],
  log: (line: string) => void,
): void {
  const cap = scenario.abandonCapPercent / 100;
  const holds = (policy: ScenarioPolicy): { ok: boolean; results: SimulationResult[] } => {
    const results = scenario.seeds.map((seed) => simulate(scenario, policy, seed));
    return { ok: results.every((r) => r.abandonRate <= cap && r.worstWindowAbandonRate <= cap), results };
  };
  const describe = (results: SimulationResult[]): string => {
    const occ = results.reduce((s, r) => s + r.occupancy, 0) / results.length;
    const ab = Math.max(...results.map((r) => r.abandonRate));
    return `occupancy ${(occ * 100).toFixed(2)}%, max abandon ${(ab * 100).toFixed(2)}%`;
  };
  for (const original of policies) {
    const base = knobFor(original);
    if (!base) continue;
    let winner: { policy: ScenarioPolicy; occupancy: number; text: string } | undefined;
    for (const policy of base.variants ?? [original]) {
      const knob = knobFor(policy)!;
      const found = bisect(knob, holds, describe, log);
      if (!found) continue;
      const occupancy = found.results.reduce((s, r) => s + r.occupancy, 0) / found.results.length;
      log(`  ${JSON.stringify(found.policy)} -> ${describe(found.results)}`);
      if (!winner || occupancy > winner.occupancy)
        winner = { policy: found.policy, occupancy, text: describe(found.results) };
    }
    if (winner) log(`BEST ${JSON.stringify(winner.policy)} -> ${winner.text}`);
    else log(`BEST none: ${policyLabel(original).policy} breaks the cap at every setting tried`);
  }
}

function bisect(
  knob: Knob,
  holds: (p: ScenarioPolicy) => { ok: boolean; results: SimulationResult[] },
  describe: (r: SimulationResult[]) => string,
  log: (line: string) => void,
): { policy: ScenarioPolicy; results: SimulationResult[] } | undefined {
  if (knob.grid) {
    let best: { policy: ScenarioPolicy; results: SimulationResult[]; occupancy: number } | undefined;
    for (const value of knob.grid) {
      const r = holds(knob.apply(value));
      const occupancy = r.results.reduce((s, x) => s + x.occupancy, 0) / r.results.length;
      log(`    ${knob.name}=${value}: ${r.ok ? 'holds' : 'breaks'} (${describe(r.results)})`);
      if (r.ok && (!best || occupancy > best.occupancy))
        best = { policy: knob.apply(value), results: r.results, occupancy };
    }
    return best;
  }
  let lo = knob.lo;
  let hi = knob.hi;
  const atHi = holds(knob.apply(hi));
  if (atHi.ok) return { policy: knob.apply(hi), results: atHi.results };
  const atLo = holds(knob.apply(lo));
  if (!atLo.ok) {
    log(
      `  ${policyLabel(knob.apply(lo)).policy}: breaks the cap even at ${knob.name}=${lo}: ${describe(atLo.results)}`,
    );
    return undefined;
  }
  let best = atLo;
  while (hi - lo > knob.resolution) {
    const mid = (lo + hi) / 2;
    const r = holds(knob.apply(mid));
    log(`    ${knob.name}=${mid.toFixed(3)}: ${r.ok ? 'holds' : 'breaks'} (${describe(r.results)})`);
    if (r.ok) {
      lo = mid;
      best = r;
    } else hi = mid;
  }
  return { policy: knob.apply(lo), results: best.results };
}
