import { parseScenario, Scenario } from './scenario';

describe('scenario dialplan contexts', () => {
  const scenario = new Scenario(
    parseScenario({
      contexts: {
        public: [
          {
            expression: '^(.*)$',
            actions: [{ application: 'set', data: 'ats_inbound_gate=true' }, { application: 'park' }],
          },
        ],
        autotelesale: [
          { expression: '^ats-barge-(ats-\\w+)$', actions: [{ application: 'conference', data: '$1@p' }] },
        ],
      },
    }),
    1,
  );

  it('runs the first matching extension, with $1 replaced by the capture', () => {
    expect(scenario.contextRoute('public', '19001234')).toEqual([
      { application: 'set', data: 'ats_inbound_gate=true' },
      { application: 'park', data: '' },
    ]);
    expect(scenario.contextRoute('autotelesale', 'ats-barge-ats-42')).toEqual([
      { application: 'conference', data: 'ats-42@p' },
    ]);
  });

  it('has no route (null) in a listed context where nothing matches, and leaves unlisted ones alone', () => {
    expect(scenario.contextRoute('autotelesale', '5000')).toBeNull();
    expect(scenario.contextRoute('default', '5000')).toBeUndefined();
  });

  it('refuses an expression that is no regular expression', () => {
    expect(() =>
      parseScenario({ contexts: { public: [{ expression: '(', actions: [{ application: 'park' }] }] } }),
    ).toThrow();
  });
});
