import { MAX_RESERVE_CANDIDATES, reserveCandidates } from './reserve-candidates';

describe('reserveCandidates', () => {
  it('names only ready agents, longest idle first', () => {
    expect(
      reserveCandidates([
        { id: 'b', state: 'ready', since: 20 },
        { id: 'talking', state: 'talking', since: 1 },
        { id: 'a', state: 'ready', since: 10 },
        { id: 'away', state: 'notReady', since: 2 },
        { id: 'c', state: 'ready', since: 20 },
      ]),
    ).toEqual(['a', 'b', 'c']);
  });

  it(`names at most ${MAX_RESERVE_CANDIDATES} agents, the longest idle`, () => {
    const agents = Array.from({ length: 1_200 }, (_, i) => ({
      id: `agent-${i}`,
      state: 'ready',
      since: 5_000 - i,
    }));
    const named = reserveCandidates(agents);
    expect(named).toHaveLength(MAX_RESERVE_CANDIDATES);
    expect(named[0]).toBe('agent-1199');
  });

  it('names nobody when nobody is ready', () => {
    expect(reserveCandidates([{ id: 'a', state: 'wrapping', since: 1 }])).toEqual([]);
  });
});
