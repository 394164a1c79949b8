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
});
