import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario, Scenario } from './scenario';

describe('the shipped default scenario', () => {
  it('is valid and produces every documented outcome', () => {
    const spec = parseScenario(
      JSON.parse(readFileSync(join(__dirname, '../../scenarios/default.json'), 'utf8')),
    );
    const scenario = new Scenario(spec, spec.seed ?? 1);
    const kinds = new Set(Array.from({ length: 3000 }, (_, i) => scenario.behaviourFor(`1202${i}`).kind));
    expect([...kinds].sort()).toEqual(
      [
        'answer',
        'busy',
        'hangup-during-intro',
        'invalid-number',
        'machine',
        'network-failure',
        'no-answer',
        'rejected',
      ].sort(),
    );
    expect(scenario.behaviourFor('15550000486').kind).toBe('busy');
  });
});
