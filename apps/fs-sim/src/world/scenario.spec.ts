import { parseScenario, Scenario, ScenarioError } from './scenario';

describe('Scenario', () => {
  const spec = parseScenario({
    customers: {
      outcomes: [
        { kind: 'answer', weight: 0.5, talkMs: { uniform: [1000, 2000] } },
        { kind: 'busy', weight: 0.3 },
        { kind: 'no-answer', weight: 0.2 },
      ],
    },
    overrides: [
      { suffix: '0486', behaviour: { kind: 'busy', ringMs: 500 } },
      { number: '15550000001', behaviour: { kind: 'answer', ringMs: 100, talkMs: 900, digits: '3' } },
    ],
  });

  it('applies exact overrides before the probabilities', () => {
    const s = new Scenario(spec, 1);
    expect(s.behaviourFor('15559990486')).toMatchObject({ kind: 'busy', ringMs: 500, sipCode: 486 });
    expect(s.behaviourFor('15550000001')).toMatchObject({
      kind: 'answer',
      ringMs: 100,
      talkMs: 900,
      digits: '3',
    });
  });

  it('is repeatable for a seed and roughly follows the weights', () => {
    const run = (seed: number) => {
      const s = new Scenario(spec, seed);
      return Array.from({ length: 2000 }, (_, i) => s.behaviourFor(`1555${i}`).kind);
    };
    const a = run(7);
    expect(run(7)).toEqual(a);
    expect(run(8)).not.toEqual(a);
    const answered = a.filter((k) => k === 'answer').length / a.length;
    expect(answered).toBeGreaterThan(0.45);
    expect(answered).toBeLessThan(0.55);
  });

  it('draws a different outcome for a retry of the same number', () => {
    const s = new Scenario(spec, 3);
    const first = Array.from({ length: 50 }, (_, i) => s.behaviourFor(`n${i}`).kind);
    const second = Array.from({ length: 50 }, (_, i) => s.behaviourFor(`n${i}`).kind);
    expect(second).not.toEqual(first);
  });

  it('rejects a malformed scenario with a readable, coded error', () => {
    expect(() => parseScenario({ customers: { outcomes: [{ kind: 'teleport', weight: 1 }] } })).toThrow(
      ScenarioError,
    );
  });

  describe('answering-machine detection errors', () => {
    const people = parseScenario({
      customers: {
        outcomes: [
          { kind: 'answer', weight: 0.6 },
          { kind: 'machine', weight: 0.3 },
          { kind: 'busy', weight: 0.1 },
        ],
      },
      amd: { falsePositiveRate: 0.1, falseNegativeRate: 0.2, falsePositiveBeepMs: { uniform: [300, 900] } },
    });
    const draw = (scenarioSpec: typeof people, seed: number, n = 4000) => {
      const s = new Scenario(scenarioSpec, seed);
      return Array.from({ length: n }, (_, i) => s.behaviourFor(`4420${i}`));
    };

    it('takes the scenario rate of people for machines and misses its rate of machine beeps, repeatably', () => {
      const calls = draw(people, 11);
      expect(draw(people, 11)).toEqual(calls);
      const persons = calls.filter((b) => b.kind === 'answer');
      const machines = calls.filter((b) => b.kind === 'machine');
      const fpShare = persons.filter((b) => b.amdFalsePositive).length / persons.length;
      const fnShare = machines.filter((b) => b.amdFalseNegative).length / machines.length;
      // 2,400 people and 1,200 machines: 4 standard deviations either side.
      expect(fpShare).toBeGreaterThan(0.1 - 4 * Math.sqrt(0.09 / persons.length));
      expect(fpShare).toBeLessThan(0.1 + 4 * Math.sqrt(0.09 / persons.length));
      expect(fnShare).toBeGreaterThan(0.2 - 4 * Math.sqrt(0.16 / machines.length));
      expect(fnShare).toBeLessThan(0.2 + 4 * Math.sqrt(0.16 / machines.length));
      // Errors only where they can happen, and the false beep in its range.
      expect(calls.filter((b) => b.kind !== 'answer' && b.amdFalsePositive)).toEqual([]);
      expect(calls.filter((b) => b.kind !== 'machine' && b.amdFalseNegative)).toEqual([]);
      for (const b of persons.filter((p) => p.amdFalsePositive)) {
        expect(b.amdFalseBeepMs).toBeGreaterThanOrEqual(300);
        expect(b.amdFalseBeepMs).toBeLessThanOrEqual(900);
      }
    });

    it('leaves every other draw of a call as it was without errors (outcomes, durations)', () => {
      const { amd: _amd, ...withoutErrors } = people;
      const strip = (b: ReturnType<Scenario['behaviourFor']>) => ({
        ...b,
        amdFalsePositive: 0,
        amdFalseNegative: 0,
        amdFalseBeepMs: 0,
      });
      expect(draw(people, 5, 500).map(strip)).toEqual(draw(withoutErrors, 5, 500).map(strip));
      expect(draw(withoutErrors, 5, 500).some((b) => b.amdFalsePositive || b.amdFalseNegative)).toBe(false);
    });

    it('lets an override or an outcome pin the error (boolean) or give its own rate', () => {
      const s = new Scenario(
        parseScenario({
          customers: { outcomes: [{ kind: 'answer', weight: 1, amdFalsePositive: 1 }] },
          overrides: [
            { number: '1', behaviour: { kind: 'answer', amdFalsePositive: true } },
            { number: '2', behaviour: { kind: 'machine', amdFalseNegative: true } },
            { number: '3', behaviour: { kind: 'answer', amdFalsePositive: false } },
          ],
          amd: { falsePositiveRate: 0 },
        }),
        1,
      );
      expect(s.behaviourFor('1')).toMatchObject({ amdFalsePositive: true, amdFalseBeepMs: 800 });
      expect(s.behaviourFor('2')).toMatchObject({ kind: 'machine', amdFalseNegative: true });
      expect(s.behaviourFor('3').amdFalsePositive).toBe(false);
      expect(s.behaviourFor('4').amdFalsePositive).toBe(true);
    });

    it('rejects an error on a kind it cannot befall, and a rate outside 0..1', () => {
      expect(() =>
        parseScenario({ overrides: [{ number: '1', behaviour: { kind: 'busy', amdFalsePositive: true } }] }),
      ).toThrow(/overrides\.0\.behaviour\.amdFalsePositive: not for kind busy/);
      expect(() =>
        parseScenario({ customers: { outcomes: [{ kind: 'answer', weight: 1, amdFalseNegative: 0.5 }] } }),
      ).toThrow(ScenarioError);
      expect(() => parseScenario({ amd: { falsePositiveRate: 1.5 } })).toThrow(/amd\.falsePositiveRate/);
    });
  });
});
