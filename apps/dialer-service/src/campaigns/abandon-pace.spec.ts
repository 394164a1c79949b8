import { AbandonWindowCounter, abandonThrottle } from '@autotelesale/compliance-domain';
import { seedAbandonWindow, throttledDials } from './abandon-pace';

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

describe('seedAbandonWindow', () => {
  const DAY = 24 * 3_600_000;
  const now = Date.parse('2026-11-23T12:00:30.000Z');
  const minute = (start: string, liveAnswers: number, abandons: number, machineDetections = 0) => ({
    start,
    liveAnswers,
    abandons,
    machineDetections,
  });

  it('makes a fresh replica see the campaign at its cap, as the replica that made the calls did', () => {
    const counter = new AbandonWindowCounter(DAY);
    const seeded = seedAbandonWindow(
      counter,
      [minute('2026-11-23T11:58:00.000Z', 12, 1, 3), minute('2026-11-23T11:59:00.000Z', 13, 1)],
      now,
    );
    expect(seeded).toBe(30);
    const window = counter.window(now, 0);
    expect(window).toEqual({ liveAnswered: 25, abandoned: 2, machineDetections: 3, amdFalsePositiveRate: 0 });
    // 2 of 25 is 8 %: over a 3 % cap the campaign stops (one dial per uncovered ready agent).
    expect(abandonThrottle(window, 0.03).state).toBe('stopped');
    // An empty window (no seeding) would have paced at full speed.
    expect(abandonThrottle(new AbandonWindowCounter(DAY).window(now, 0), 0.03).state).toBe('normal');
  });

  it('stamps each fact at the end of its minute, never after now: it leaves the window late, never early', () => {
    const counter = new AbandonWindowCounter(DAY);
    seedAbandonWindow(
      counter,
      [minute('2026-11-22T12:00:00.000Z', 1, 0), minute('2026-11-23T12:00:00.000Z', 0, 1)],
      now,
    );
    // The first minute ends 24 h minus 0.001 s after its start: still in the window at 12:00:30 minus 30 s.
    expect(counter.window(Date.parse('2026-11-23T12:00:59.999Z'), 0).liveAnswered).toBe(1);
    expect(counter.window(Date.parse('2026-11-23T12:01:00.000Z'), 0).liveAnswered).toBe(0);
    // The current minute's fact is stamped at now, and stays for a whole day from it.
    expect(counter.window(now + DAY - 1, 0).abandoned).toBe(1);
  });
});
