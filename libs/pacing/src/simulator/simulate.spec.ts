import { PacingError } from '../errors';
import type { CampaignSnapshot, Pacer, PacingDecision } from '../policies/campaign-snapshot';
import { parseScenario, type Scenario } from './scenario';
import { simulate } from './simulate';

/** Dials a fixed number of calls at the first decision at or after each planned time. */
class ScriptedPacer implements Pacer {
  readonly mode = 'predictive' as const;
  readonly policy = 'scripted';
  constructor(private readonly plan: [number, number][]) {}
  decide(s: CampaignSnapshot): PacingDecision {
    let dials = 0;
    while (this.plan.length > 0 && this.plan[0]![0] <= s.now) dials += this.plan.shift()![1];
    return { dials, reserveAgentIds: [], reason: 'scripted' };
  }
  observe(): void {
    // The script ignores outcomes.
  }
}

function scenario(overrides: Record<string, unknown> = {}): Scenario {
  return parseScenario({
    name: 'unit',
    agents: 1,
    hours: 0.1,
    warmupMinutes: 0,
    seeds: [1],
    answerProbability: 1,
    answerDelaySec: { type: 'fixed', value: 5 },
    talkSec: { type: 'fixed', value: 2 },
    wrapSec: { type: 'fixed', value: 0 },
    noAnswerTimeoutSec: 25,
    graceSec: 2,
    policies: [{ mode: 'progressive' }],
    ...overrides,
  });
}

const predictive = { mode: 'predictive', policy: 'forecast', marginPercent: 0.3 } as const;

describe('simulate: the 2-second rule', () => {
  it('an agent freeing exactly at the grace deadline still takes the caller', () => {
    // Two calls answer at t=5; one agent talks 2 s with no wrap-up, so it frees at t=7,
    // exactly 2 s after the second caller answered.
    const r = simulate(scenario(), predictive, 1, { pacer: new ScriptedPacer([[0, 2]]) });
    expect(r.liveAnswered).toBe(2);
    expect(r.abandoned).toBe(0);
    expect(r.answerToAgentP99Ms).toBeCloseTo(2000, 6);
    expect(r.answerToAgentP50Ms).toBe(0);
  });

  it('a millisecond later it is abandoned (and counts against the cap)', () => {
    const r = simulate(scenario({ talkSec: { type: 'fixed', value: 2.001 } }), predictive, 1, {
      pacer: new ScriptedPacer([[0, 2]]),
    });
    expect(r.liveAnswered).toBe(2);
    expect(r.abandoned).toBe(1);
    expect(r.abandonRate).toBe(0.5);
    expect(r.worstWindowAbandonRate).toBe(0.5);
    // Only connected calls have an answer-to-agent time.
    expect(r.answerToAgentP99Ms).toBe(0);
  });

  it('with grace 0, a caller who finds no free agent is abandoned at once', () => {
    const r = simulate(scenario({ graceSec: 0, talkSec: { type: 'fixed', value: 30 } }), predictive, 1, {
      pacer: new ScriptedPacer([[0, 3]]),
    });
    expect(r.abandoned).toBe(2);
  });
});

describe('simulate: calls still ringing at the end', () => {
  it('are hung up unanswered: neither live-answered nor abandoned', () => {
    const s = scenario({ hours: 0.01, answerDelaySec: { type: 'fixed', value: 50 }, noAnswerTimeoutSec: 60 });
    const r = simulate(s, predictive, 1, { pacer: new ScriptedPacer([[0, 3]]) });
    expect(r.dials).toBe(3);
    expect(r.liveAnswered).toBe(0);
    expect(r.abandoned).toBe(0);
    expect(r.abandonRate).toBe(0);
  });

  it('callers who answered before the end still get their grace period', () => {
    // End at 36 s; calls answer at 35 s; the only agent frees at 36.5 s (in time for
    // one caller), the other caller is abandoned at 37 s, after the end: still counted.
    const s = scenario({
      hours: 0.01,
      answerDelaySec: { type: 'fixed', value: 35 },
      talkSec: { type: 'fixed', value: 1.5 },
      noAnswerTimeoutSec: 60,
    });
    const r = simulate(s, predictive, 1, { pacer: new ScriptedPacer([[0, 3]]) });
    expect(r.liveAnswered).toBe(3);
    expect(r.abandoned).toBe(1);
  });
});

describe('simulate: answering machines', () => {
  const amd = {
    machineProbability: 1,
    detectionSec: 2.5,
    falsePositiveRate: 0,
    falseNegativeRate: 0,
    agentSecOnMachine: 5,
  };

  it('machines AMD catches never reach an agent and never count as live or abandoned', () => {
    const r = simulate(scenario({ answerProbability: 0, amd }), predictive, 1, {
      pacer: new ScriptedPacer([[0, 5]]),
    });
    expect(r.liveAnswered).toBe(0);
    expect(r.abandoned).toBe(0);
    expect(r.occupancy).toBe(0);
  });

  it('machines AMD lets through take agent time but are never live answers or abandons', () => {
    const r = simulate(
      scenario({ answerProbability: 0, amd: { ...amd, falseNegativeRate: 1 } }),
      predictive,
      1,
      {
        pacer: new ScriptedPacer([[0, 5]]),
      },
    );
    expect(r.liveAnswered).toBe(0);
    expect(r.abandoned).toBe(0);
    expect(r.abandonRate).toBe(0);
  });

  it('UK rule: people AMD hangs up on are abandoned; US rule: not counted', () => {
    const s = scenario({
      answerProbability: 1,
      amd: { ...amd, machineProbability: 0, falsePositiveRate: 1 },
      abandonRule: 'UK',
    });
    const r = simulate(s, predictive, 1, { pacer: new ScriptedPacer([[0, 4]]) });
    expect(r.ukAbandonRate).toBe(1);
    expect(r.abandonRate).toBe(1);
    expect(r.usAbandonRate).toBe(0);
  });

  it('the grace period starts when AMD hands the caller over', () => {
    const s = scenario({ amd: { ...amd, machineProbability: 0 } });
    const r = simulate(s, predictive, 1, { pacer: new ScriptedPacer([[0, 2]]) });
    expect(r.abandoned).toBe(0);
    expect(r.answerToAgentP99Ms).toBeCloseTo(2000, 6);
  });
});

describe('simulate: agent-first modes', () => {
  it('manual: each cycle is overhead + ring + talk + wrap, and nobody is abandoned', () => {
    const s = scenario({
      hours: 1,
      answerDelaySec: { type: 'fixed', value: 5 },
      talkSec: { type: 'fixed', value: 100 },
      wrapSec: { type: 'fixed', value: 10 },
      manual: { dialOverheadSec: { type: 'fixed', value: 10 } },
    });
    const r = simulate(s, { mode: 'manual' }, 1);
    expect(r.abandoned).toBe(0);
    expect(r.occupancy).toBeGreaterThan(0.78); // 100 / 125 per cycle
    expect(r.occupancy).toBeLessThan(0.82);
    expect(r.answerToAgentP99Ms).toBe(0);
  });

  it('progressive never abandons, even with a list that always answers', () => {
    const r = simulate(scenario({ hours: 1, agents: 5 }), { mode: 'progressive' }, 1);
    expect(r.abandoned).toBe(0);
    expect(r.liveAnswered).toBeGreaterThan(100);
  });
});

describe('simulate: agentless', () => {
  it('keeps at most lineLimit lines busy and abandons nobody', () => {
    const s = scenario({
      hours: 0.5,
      answerProbability: 0.5,
      agentless: { messageSec: { type: 'fixed', value: 30 } },
    });
    const r = simulate(s, { mode: 'agentless', lineLimit: 5 }, 1);
    expect(r.abandoned).toBe(0);
    // Each line: ring 5 s then 30 s message (answered) or 25 s timeout: <= 5 x 1800 / 5 dials.
    expect(r.dials).toBeLessThanOrEqual(1800);
    expect(r.dials).toBeGreaterThan(200);
    expect(r.contactsPerAgentHour).toBeGreaterThan(20);
  });
});

describe('simulate: the forecast pacer on a short S1-like run', () => {
  const s1 = (): Scenario =>
    scenario({
      agents: 10,
      hours: 0.5,
      answerProbability: 0.25,
      answerDelaySec: { type: 'shiftedExponential', shift: 3, mean: 9 },
      talkSec: { type: 'lognormal', mean: 120, cv: 1 },
      wrapSec: { type: 'fixed', value: 15 },
    });

  it('is deterministic for a seed', () => {
    const short = { ...s1(), hours: 0.1 };
    const a = simulate(short, predictive, 7);
    const b = simulate(short, predictive, 7);
    expect(a).toEqual(b);
  });

  it.each([1, 2])(
    'seed %p: beats progressive on talk time and keeps abandons near the cap in its first half hour',
    (seed) => {
      const f = simulate(s1(), predictive, seed);
      const p = simulate(s1(), { mode: 'progressive' }, seed);
      expect(f.occupancy).toBeGreaterThan(p.occupancy + 0.1);
      expect(f.abandonRate).toBeLessThan(0.05);
    },
  );
});

describe('parseScenario', () => {
  it('reports every problem with its path and a stable code', () => {
    try {
      parseScenario({ name: 'x', agents: 0, hours: 8, seeds: [], policies: [] });
      throw new Error('expected a failure');
    } catch (e) {
      expect(e).toBeInstanceOf(PacingError);
      expect((e as PacingError).code).toBe('PACING_INVALID_SCENARIO');
      expect((e as PacingError).message).toMatch(/agents/);
      expect((e as PacingError).message).toMatch(/seeds/);
      expect((e as PacingError).message).toMatch(/answerDelaySec/);
    }
  });

  it('rejects live + machine answer shares above 1', () => {
    expect(() =>
      scenario({
        answerProbability: 0.8,
        amd: { machineProbability: 0.5, detectionSec: 2, falsePositiveRate: 0, falseNegativeRate: 0 },
      }),
    ).toThrow(/machineProbability/);
  });
});
