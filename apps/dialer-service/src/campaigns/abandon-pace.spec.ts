import { throttledDials } from './abandon-pace';

const normal = { rate: 0.01, factor: 1, state: 'normal' } as const;
const slowed = { rate: 0.027, factor: 0.4, state: 'slowed' } as const;
const stopped = { rate: 0.043, factor: 0, state: 'stopped' } as const;

describe('throttledDials', () => {
  it("passes the pacer's dials through far from the cap", () => {
    expect(throttledDials(7, normal, 0.5, 0, 20)).toEqual({ dials: 7, credit: 0 });
  });

  it('scales them near the cap, carrying fractions over', () => {
    expect(throttledDials(3, slowed, 0, 0, 5)).toEqual({ dials: 1, credit: expect.closeTo(0.2, 9) });
    expect(throttledDials(2, slowed, 0.2, 0, 5)).toEqual({ dials: 1, credit: expect.closeTo(0, 9) });
  });

  it('at the cap still dials one call per ready agent no call is heading for (no stall with agents ready)', () => {
    // The --ratio 2 demo: over 3 % abandons, all 10 agents ready, nothing in flight.
    expect(throttledDials(20, stopped, 0, 10, 0)).toEqual({ dials: 10, credit: 0 });
    expect(throttledDials(20, stopped, 0, 10, 7)).toEqual({ dials: 3, credit: 0 });
    expect(throttledDials(20, stopped, 0, 10, 12)).toEqual({ dials: 0, credit: 0 });
    expect(throttledDials(0, stopped, 0, 10, 0)).toEqual({ dials: 0, credit: 0 });
    // Slowed: the safe floor when it allows more than the scaled dials.
    expect(throttledDials(3, slowed, 0, 4, 1)).toEqual({ dials: 3, credit: 0 });
  });
});
