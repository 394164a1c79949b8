import fc from 'fast-check';
import { dealContacts } from './contact-split';

function counts(deal: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const agent of deal) out[agent] = (out[agent] ?? 0) + 1;
  return out;
}

describe('dealContacts', () => {
  it('splits evenly with equal weights, interleaved', () => {
    const deal = dealContacts(10, [
      { agentId: 'a', weight: 1 },
      { agentId: 'b', weight: 1 },
      { agentId: 'c', weight: 1 },
    ]);
    expect(counts(deal)).toEqual({ a: 4, b: 3, c: 3 });
    expect(deal.slice(0, 3).sort()).toEqual(['a', 'b', 'c']);
  });

  it('follows the weights', () => {
    expect(
      counts(
        dealContacts(100, [
          { agentId: 'senior', weight: 3 },
          { agentId: 'junior', weight: 1 },
        ]),
      ),
    ).toEqual({
      senior: 75,
      junior: 25,
    });
  });

  it('gives every agent its exact share give or take one, for any weights and count', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2000 }),
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 12 }),
        (count, weights) => {
          const agents = weights.map((weight, i) => ({ agentId: `a${i}`, weight }));
          const total = weights.reduce((s, w) => s + w, 0);
          const got = counts(dealContacts(count, agents));
          expect(Object.values(got).reduce((s, n) => s + n, 0)).toBe(count);
          for (const agent of agents) {
            expect(Math.abs((got[agent.agentId] ?? 0) - (count * agent.weight) / total)).toBeLessThan(
              1 + 1e-9,
            );
          }
        },
      ),
    );
  });
});
