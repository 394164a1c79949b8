import fc from 'fast-check';
import { AgentFirstPacer } from './agent-first-pacer';
import { AgentlessPacer } from './agentless-pacer';
import type { AgentSnapshot, AgentState, CallSnapshot, CampaignSnapshot, Pacer } from './campaign-snapshot';
import { ForecastPacer } from './forecast-pacer';
import { RatioPacer } from './ratio-pacer';
import { agentsInState, ringingCalls, snapshot } from './test-snapshots';
import { VicidialAdaptivePacer } from './vicidial-adaptive-pacer';

const forecast = (): ForecastPacer =>
  new ForecastPacer({ rule: 'US', capPercent: 3, marginPercent: 0.3, graceSec: 2, noAnswerTimeoutSec: 25 });

const arbitrarySnapshot: fc.Arbitrary<CampaignSnapshot> = fc
  .record({
    now: fc.double({ min: 100, max: 30_000, noNaN: true }),
    agents: fc.array(
      fc.record({
        state: fc.constantFrom<AgentState>('ready', 'reserved', 'talking', 'wrapping', 'notReady'),
        elapsed: fc.double({ min: 0, max: 900, noNaN: true }),
      }),
      { maxLength: 30 },
    ),
    calls: fc.array(
      fc.record({
        state: fc.constantFrom<CallSnapshot['state']>('ringing', 'detecting', 'waiting'),
        age: fc.double({ min: 0, max: 30, noNaN: true }),
      }),
      { maxLength: 60 },
    ),
  })
  .map(({ now, agents, calls }) => ({
    now,
    agents: agents.map((a, i): AgentSnapshot => ({ id: `a${i}`, state: a.state, since: now - a.elapsed })),
    calls: calls.map((c, i): CallSnapshot => ({
      id: `c${i}`,
      state: c.state,
      dialedAt: now - c.age,
      ...(c.state === 'ringing' ? {} : { answeredAt: now - c.age / 4, agentNeededAt: now - c.age / 8 }),
    })),
  }));

const allPacers = (): Pacer[] => [
  new AgentFirstPacer('manual'),
  new AgentFirstPacer('preview'),
  new AgentFirstPacer('progressive'),
  new RatioPacer(3),
  new VicidialAdaptivePacer({ targetDifference: 2, capPercent: 3, variant: 'tapered' }),
  new AgentlessPacer(10),
  forecast(),
];

describe('every pacer', () => {
  it('never reserves more agents than exist, only ready ones, each once, and never dials a negative count', () => {
    fc.assert(
      fc.property(arbitrarySnapshot, (snap) => {
        for (const pacer of allPacers()) {
          const d = pacer.decide(snap);
          expect(Number.isInteger(d.dials) && d.dials >= 0).toBe(true);
          const ready = new Set(snap.agents.filter((a) => a.state === 'ready').map((a) => a.id));
          expect(new Set(d.reserveAgentIds).size).toBe(d.reserveAgentIds.length);
          expect(d.reserveAgentIds.length).toBeLessThanOrEqual(snap.agents.length);
          for (const id of d.reserveAgentIds) expect(ready.has(id)).toBe(true);
          if (pacer.mode !== 'agentless' && snap.agents.every((a) => a.state === 'notReady'))
            expect(d.dials).toBe(0);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('agent-first modes dial exactly one call per reserved agent', () => {
    fc.assert(
      fc.property(arbitrarySnapshot, (snap) => {
        const d = new AgentFirstPacer('progressive').decide(snap);
        expect(d.dials).toBe(d.reserveAgentIds.length);
      }),
    );
  });
});

describe('RatioPacer (calls in flight <= k x free agents)', () => {
  it('fills up to k x free agents', () => {
    const snap = snapshot(
      100,
      agentsInState(100, [
        ['ready', 1],
        ['ready', 1],
        ['talking', 5],
      ]),
      ringingCalls(100, [1, 2]),
    );
    expect(new RatioPacer(2.5).decide(snap).dials).toBe(3);
    expect(new RatioPacer(1).decide(snap).dials).toBe(0);
  });

  it('pauses when every agent is busy (k x 0)', () => {
    const snap = snapshot(
      100,
      agentsInState(100, [
        ['talking', 5],
        ['wrapping', 1],
      ]),
    );
    expect(new RatioPacer(4).decide(snap).dials).toBe(0);
  });
});

describe('VicidialAdaptivePacer', () => {
  const idle = (now: number): CampaignSnapshot =>
    snapshot(
      now,
      agentsInState(
        now,
        Array.from({ length: 10 }, () => ['ready', 5] as [AgentState, number]),
      ),
    );

  it('raises the level while agents sit idle, and caps it at 3', () => {
    const p = new VicidialAdaptivePacer({ targetDifference: 0, capPercent: 3, variant: 'hard-limit' });
    for (let t = 0; t <= 600; t += 1) p.decide(idle(t));
    expect(p.dialLevel).toBe(3);
  });

  it('stays at 1 while calls wait for agents', () => {
    const p = new VicidialAdaptivePacer({ targetDifference: 0, capPercent: 3, variant: 'hard-limit' });
    const busy = (now: number): CampaignSnapshot =>
      snapshot(
        now,
        agentsInState(now, [
          ['talking', 5],
          ['talking', 6],
        ]),
        [{ id: 'w', state: 'waiting', dialedAt: now - 10, answeredAt: now - 1, agentNeededAt: now - 1 }],
      );
    for (let t = 0; t <= 120; t += 1) p.decide(busy(t));
    expect(p.dialLevel).toBe(1);
  });

  it("halves the level when over half of the last minute's 20+ calls dropped", () => {
    const p = new VicidialAdaptivePacer({
      targetDifference: 0,
      capPercent: 3,
      variant: 'tapered',
      maxLevel: 3,
    });
    for (let t = 0; t < 200; t += 1) p.decide(idle(t));
    expect(p.dialLevel).toBe(3);
    // A minute later: one decision places 30 calls, 20 of them drop.
    expect(p.decide(idle(300)).dials).toBe(30);
    for (let i = 0; i < 20; i += 1) p.observe({ type: 'abandoned', at: 301 });
    p.decide(idle(316));
    expect(p.dialLevel).toBe(1.5);
  });

  it('hard-limit drops to level 1 once drops exceed the cap share after 50 calls', () => {
    const p = new VicidialAdaptivePacer({ targetDifference: 5, capPercent: 3, variant: 'hard-limit' });
    for (let t = 0; t < 200; t += 1) p.decide(idle(t));
    for (let i = 0; i < 100; i += 1) p.observe({ type: 'liveAnswered', at: 199 });
    for (let i = 0; i < 10; i += 1) p.observe({ type: 'abandoned', at: 100 });
    p.decide(idle(215));
    expect(p.dialLevel).toBe(1);
  });

  it('tapered scales the level towards 1 as the shift ends instead', () => {
    const p = new VicidialAdaptivePacer({ targetDifference: 5, capPercent: 3, variant: 'tapered' });
    for (let t = 0; t < 200; t += 1) p.decide(idle(t));
    for (let i = 0; i < 100; i += 1) p.observe({ type: 'liveAnswered', at: 199 });
    for (let i = 0; i < 10; i += 1) p.observe({ type: 'abandoned', at: 100 });
    const late = 8 * 3600 - 360; // 1/80 of the shift left
    p.decide(idle(late));
    expect(p.dialLevel).toBeGreaterThan(1);
    expect(p.dialLevel).toBeLessThan(1.1);
  });
});

describe('ForecastPacer', () => {
  it('with no history, dials for idle agents but cautiously (prior: half of calls need an agent)', () => {
    const p = forecast();
    const d = p.decide(
      snapshot(
        0,
        agentsInState(
          0,
          Array.from({ length: 10 }, () => ['ready', 0] as [AgentState, number]),
        ),
      ),
    );
    expect(d.dials).toBeGreaterThanOrEqual(10);
    expect(d.dials).toBeLessThanOrEqual(25);
  });

  it('does not dial when every agent is deep in a long call', () => {
    const p = forecast();
    const d = p.decide(
      snapshot(
        1000,
        agentsInState(
          1000,
          Array.from({ length: 5 }, () => ['talking', 5] as [AgentState, number]),
        ),
      ),
    );
    expect(d.dials).toBe(0);
  });

  it('dials ahead for an agent about to finish wrap-up once it has learned wrap-up is 15 s', () => {
    const p = forecast();
    for (let i = 0; i < 3000; i += 1) p.observe({ type: 'wrapEnded', at: i, wrapSec: 15 });
    for (let i = 0; i < 3000; i += 1) p.observe({ type: 'talkEnded', at: i, talkSec: 120 });
    // A few hundred live answers without an abandon: budget to spend.
    for (let i = 0; i < 500; i += 1) p.observe({ type: 'liveAnswered', at: i });
    for (let i = 0; i < 2000; i += 1) {
      if (i % 4 === 0) p.observe({ type: 'answered', at: i, ringSec: 3 + (i % 9), needsAgent: true });
      else p.observe({ type: 'noAnswer', at: i });
    }
    const soon = p.decide(
      snapshot(
        5000,
        agentsInState(5000, [
          ['wrapping', 13],
          ['talking', 20],
          ['talking', 30],
        ]),
      ),
    );
    const notSoon = p.decide(
      snapshot(
        5000,
        agentsInState(5000, [
          ['wrapping', 1],
          ['talking', 20],
          ['talking', 30],
        ]),
      ),
    );
    expect(soon.dials).toBeGreaterThan(0);
    expect(soon.dials).toBeGreaterThanOrEqual(notSoon.dials);
  });

  it('dials fewer calls the more are already ringing', () => {
    const p = forecast();
    const agents = agentsInState(100, [
      ['ready', 1],
      ['ready', 1],
      ['talking', 60],
    ]);
    const none = p.decide(snapshot(100, agents)).dials;
    const many = p.decide(snapshot(100, agents, ringingCalls(100, [1, 1, 2, 2, 3]))).dials;
    expect(many).toBeLessThan(none);
  });

  it('tightens after abandons and loosens while the budget is unspent', () => {
    const p = forecast();
    const start = p.threshold;
    for (let i = 0; i < 200; i += 1) p.observe({ type: 'liveAnswered', at: i });
    const loose = p.threshold;
    expect(loose).toBeGreaterThan(start);
    for (let i = 0; i < 10; i += 1) p.observe({ type: 'abandoned', at: 200 + i });
    expect(p.threshold).toBeLessThan(loose);
    expect(p.budget(300).abandonsLeft).toBe(Math.floor(0.03 * 200) - 10);
    // Every decision shows the budget left, for the wallboard.
    const d = p.decide(snapshot(300, agentsInState(300, [['ready', 1]])));
    expect(d.budget?.abandonsLeft).toBe(-4);
    expect(d.budget?.rate).toBeCloseTo(0.05);
  });

  it('UK rule: AMD false positives spend the budget, estimated from the false-positive share', () => {
    const p = new ForecastPacer({
      rule: 'UK',
      capPercent: 3,
      marginPercent: 0.3,
      graceSec: 2,
      noAnswerTimeoutSec: 25,
      amdFalsePositiveRate: 0.05,
    });
    for (let i = 0; i < 95; i += 1) p.observe({ type: 'liveAnswered', at: i });
    const b = p.budget(200);
    // 95 people passed AMD at fp = 5%: about 5 more were hung up on.
    expect(b.abandoned).toBeCloseTo(5);
    expect(b.liveAnswered).toBeCloseTo(100);
  });

  it('US rule: AMD false positives are not counted', () => {
    const p = new ForecastPacer({
      rule: 'US',
      capPercent: 3,
      marginPercent: 0.3,
      graceSec: 2,
      noAnswerTimeoutSec: 25,
      amdFalsePositiveRate: 0.05,
    });
    for (let i = 0; i < 95; i += 1) p.observe({ type: 'liveAnswered', at: i });
    expect(p.budget(200).abandoned).toBe(0);
  });

  it('stays sane when nearly every call is answered (machines included): no over-dial', () => {
    const p = forecast();
    for (let i = 0; i < 3000; i += 1) {
      // 23% people, 77% machines AMD catches, all answered: q + m is 1 (q's upper bound more).
      p.observe({ type: 'answered', at: i, ringSec: 20 + (i % 40), needsAgent: i % 100 < 23 });
    }
    const agents = agentsInState(
      5000,
      Array.from({ length: 20 }, () => ['talking', 30] as [AgentState, number]),
    );
    const d = p.decide(
      snapshot(
        5000,
        agents,
        ringingCalls(
          5000,
          Array.from({ length: 30 }, (_, i) => 10 + i / 2),
        ),
      ),
    );
    expect(d.dials).toBe(0);
  });

  it('never plans more lines than its per-agent safety cap', () => {
    fc.assert(
      fc.property(arbitrarySnapshot, (snap) => {
        const p = forecast();
        const d = p.decide(snap);
        const working = snap.agents.filter((a) => a.state !== 'notReady').length;
        expect(d.dials + snap.calls.length).toBeLessThanOrEqual(Math.max(snap.calls.length, 12 * working));
      }),
      { numRuns: 60 },
    );
  });
});

describe('ForecastPacer warm-up (forecastGain)', () => {
  const opts = {
    rule: 'US',
    capPercent: 3,
    marginPercent: 0.3,
    graceSec: 2,
    noAnswerTimeoutSec: 25,
  } as const;
  const idle = () =>
    snapshot(
      0,
      agentsInState(
        0,
        Array.from({ length: 10 }, () => ['ready', 0] as [AgentState, number]),
      ),
    );

  it.each([
    { forecastGain: 0, rises: false },
    { forecastGain: 4, rises: true },
  ])(
    'gain $forecastGain: calls the forecast expects to abandon nobody raise the threshold: $rises',
    ({ forecastGain, rises }) => {
      const p = new ForecastPacer({ ...opts, forecastGain });
      const start = p.threshold;
      for (let i = 0; i < 20; i += 1) p.decide(idle());
      if (rises) expect(p.threshold).toBeGreaterThan(start * 1.5);
      else expect(p.threshold).toBe(start);
    },
  );

  it.each([0, 50, 500])(
    'the forecast moves the threshold by at most 4x, less as %p live answers are counted',
    (live) => {
      const p = new ForecastPacer({ ...opts, forecastGain: 4 });
      for (let i = 0; i < live; i += 1) p.observe({ type: 'liveAnswered', at: i });
      const counted = new ForecastPacer(opts);
      for (let i = 0; i < live; i += 1) counted.observe({ type: 'liveAnswered', at: i });
      for (let i = 0; i < 2000; i += 1) p.decide(idle());
      const weight = 100 / (100 + live);
      expect(p.threshold).toBeLessThanOrEqual(Math.min(1, counted.threshold * Math.pow(4, weight)) * 1.0001);
    },
  );

  it('rejects a negative gain with a typed error', () => {
    expect(() => new ForecastPacer({ ...opts, forecastGain: -1 })).toThrow(/forecastGain/);
  });
});
