import fc from 'fast-check';
import { clipIntervals, totalStateSeconds, type StateInterval } from './state-intervals';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 9, minute));
const interval = (
  state: StateInterval['state'],
  start: number,
  end: number | null,
  campaignId: string | null = null,
): StateInterval => ({
  state,
  campaignId,
  reasonCode: null,
  startedAt: at(start),
  endedAt: end === null ? null : at(end),
});

describe('agent state intervals', () => {
  const day = [
    interval('not_ready', 0, 5),
    interval('ready', 5, 10),
    interval('on_call', 10, 20, 'c1'),
    interval('wrap_up', 20, 22, 'c1'),
    interval('on_call', 22, 30, 'c2'),
    interval('ready', 30, null),
  ];

  it('sums seconds per state and per campaign inside the range', () => {
    expect(totalStateSeconds(day, at(0), at(60), at(40))).toEqual([
      { state: 'not_ready', campaignId: null, seconds: 300 },
      { state: 'on_call', campaignId: 'c1', seconds: 600 },
      { state: 'on_call', campaignId: 'c2', seconds: 480 },
      { state: 'ready', campaignId: null, seconds: 300 + 600 },
      { state: 'wrap_up', campaignId: 'c1', seconds: 120 },
    ]);
  });

  it('clips intervals to the range and keeps the one still running open', () => {
    const clipped = clipIntervals(day, at(8), at(35), at(40));
    expect(clipped[0]).toMatchObject({ state: 'ready', startedAt: at(8), endedAt: at(10) });
    expect(clipped.at(-1)).toMatchObject({ state: 'ready', startedAt: at(30), endedAt: at(35) });
    expect(clipIntervals(day, at(8), at(60), at(40)).at(-1)).toMatchObject({ endedAt: null });
  });

  it('leaves out what lies outside the range', () => {
    expect(totalStateSeconds(day, at(41), at(50), at(40))).toEqual([]);
    expect(clipIntervals(day, at(1), at(4), at(40))).toEqual([interval('not_ready', 1, 4)]);
  });

  it('never counts more time than the range holds, for back-to-back intervals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 300 }),
        (lengths, fromMinute, span) => {
          let start = 0;
          const intervals = lengths.map((length) => {
            const i = interval('ready', start, start + length);
            start += length;
            return i;
          });
          const from = at(fromMinute);
          const to = at(fromMinute + span);
          const seconds = totalStateSeconds(intervals, from, to, at(1_000)).reduce(
            (s, t) => s + t.seconds,
            0,
          );
          const covered = Math.max(0, Math.min(start, fromMinute + span) - Math.max(0, fromMinute)) * 60;
          expect(seconds).toBeCloseTo(covered, 6);
        },
      ),
    );
  });
});
