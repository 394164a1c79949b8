import { createTopology, InvalidNamespaceError, topologyFromEnv } from './topology';

describe('createTopology', () => {
  it('builds every name from the namespace, so two namespaces share nothing', () => {
    const a = createTopology('ats');
    const b = createTopology('t_1234abcd');
    const flatten = (t: ReturnType<typeof createTopology>) => [
      ...Object.values(t.streams).flatMap((s) => [s.name, ...s.subjects]),
      ...Object.values(t.kv),
      t.rpc.subject({ service: 'dialer', name: 'health' }),
      t.events.call('x'),
      t.consumers.durable('reporting', 'calls'),
    ];
    const namesA = flatten(a);
    const namesB = flatten(b);
    expect(namesA.filter((n) => namesB.includes(n))).toEqual([]);
  });

  it('puts each event subject inside its stream', () => {
    const t = createTopology('ats');
    expect(t.events.call('c-1')).toBe('ats.evt.call.c-1');
    expect(t.streams.calls.subjects).toEqual([t.events.allCalls]);
    expect(t.events.agent('a-1').startsWith(t.events.allAgents.replace('>', ''))).toBe(true);
  });

  it('makes stream and bucket names JetStream accepts', () => {
    const t = createTopology('t_ab12');
    for (const name of [...Object.values(t.streams).map((s) => s.name), ...Object.values(t.kv)]) {
      expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
    }
  });

  it.each([
    '',
    'has space',
    'dot.ted',
    'star*',
    '9starts_with_digit',
    'x'.repeat(40),
    't_12345678',
    'ats_0961166133',
  ])('refuses the namespace %p', (ns) => {
    expect(() => createTopology(ns)).toThrow(InvalidNamespaceError);
  });

  it('takes digits as long as no 7 of them run together (a phone number in metric labels)', () => {
    expect(createTopology('t_123456_7890').namespace).toBe('t_123456_7890');
    expect(() => createTopology('t_1234567')).toThrow(/run of 7 digits/);
  });

  it('reads ATS_NAMESPACE, defaulting to ats', () => {
    expect(topologyFromEnv({}).namespace).toBe('ats');
    expect(topologyFromEnv({ ATS_NAMESPACE: 'demo' }).namespace).toBe('demo');
  });
});

describe('rpc subjects', () => {
  it('derive from the operation: <ns>.rpc.<service>.<name>', () => {
    expect(createTopology('ats').rpc.subject({ service: 'campaign', name: 'contact.lease' })).toBe(
      'ats.rpc.campaign.contact.lease',
    );
  });
});
