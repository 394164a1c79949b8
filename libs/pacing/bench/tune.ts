import { policyLabel, simulate, type Scenario, type ScenarioPolicy, type SimulationResult } from '../src/index';

interface Knob {
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
        return { name: '-marginPercent', lo: -2.9, hi: 0, resolution: 0.05, apply: (v) => ({ ...policy, marginPercent: Math.round(-v * 100) / 100 }) };
      }
      return { name: 'targetDifference', lo: -10, hi: 20, resolution: 0.1, apply: (t) => ({ ...policy, targetDifference: Math.round(t * 100) / 100 }) };
    default:
      return undefined;
  }
}

/**
 * Finds, for each tunable policy, the most aggressive knob setting whose abandon rate
 * (whole run and worst regulator window) stays <= cap on EVERY seed of the scenario, by
 * bisection (abandon grows with aggressiveness; the bisection checks both ends).
 */
export function tunePolicies(scenario: Scenario, policies: readonly ScenarioPolicy[], log: (line: string) => void): void {
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
  for (const policy of policies) {
    const knob = knobFor(policy);
    if (!knob) continue;
    let lo = knob.lo;
    let hi = knob.hi;
    const atHi = holds(knob.apply(hi));
    if (atHi.ok) {
      log(`${JSON.stringify(policyLabel(knob.apply(hi)))}: holds even at the most aggressive end (${knob.name}=${hi}): ${describe(atHi.results)}`);
      continue;
    }
    const atLo = holds(knob.apply(lo));
    if (!atLo.ok) {
      log(`${policyLabel(policy).policy}: breaks the cap even at ${knob.name}=${lo}: ${describe(atLo.results)}`);
      continue;
    }
    let best = atLo;
    while (hi - lo > knob.resolution) {
      const mid = (lo + hi) / 2;
      const r = holds(knob.apply(mid));
      log(`  ${knob.name}=${mid.toFixed(3)}: ${r.ok ? 'holds' : 'breaks'} (${describe(r.results)})`);
      if (r.ok) {
        lo = mid;
        best = r;
      } else hi = mid;
    }
    log(`${JSON.stringify(knob.apply(lo))} -> ${describe(best.results)}`);
  }
}
