import { abandonRate, abandonThrottle, AbandonWindowCounter } from './abandon-throttle';
import { decideAmdAction } from './amd-action';
import { checkDoNotCall, isInboundRefused, type DncEntry } from './do-not-call';
import { isHoliday, isHolidayEntry } from './holiday-calendar';
import { effectiveRingTimeout, MIN_RING_SECONDS } from './ring-time';
import { parseClockSpec, scaledClock } from './simulated-clock';

const PHONE = '+84961166133';
const NOW = Date.parse('2026-06-01T00:00:00Z');
const entry = (
  kind: DncEntry['kind'],
  campaignId: string | null = null,
  expiresAt: number | null = null,
): DncEntry => ({
  kind,
  phone: PHONE,
  campaignId,
  expiresAt,
});

describe('checkDoNotCall', () => {
  it.each([
    ['no entry', [], true, []],
    ['the global list bars every campaign', [entry('global')], false, ['global']],
    ['the blacklist bars every campaign', [entry('blacklist')], false, ['blacklist']],
    ["this campaign's list bars it", [entry('campaign', 'c1')], false, ['campaign']],
    ["another campaign's list does not", [entry('campaign', 'c2')], true, []],
    ['an expired entry does not', [entry('global', null, NOW - 1)], true, []],
    ['an entry expiring later does', [entry('global', null, NOW + 1)], false, ['global']],
    [
      'several: most general first',
      [entry('campaign', 'c1'), entry('blacklist'), entry('global')],
      false,
      ['global', 'blacklist', 'campaign'],
    ],
  ])('%s', (_d, entries, allowed, kinds) => {
    const verdict = checkDoNotCall({
      phone: PHONE,
      campaignId: 'c1',
      at: NOW,
      entries: entries as DncEntry[],
    });
    expect(verdict.allowed).toBe(allowed);
    expect(verdict.hits.map((h) => h.kind)).toEqual(kinds);
  });

  it('inbound: only the blacklist refuses a caller', () => {
    expect(isInboundRefused({ phone: PHONE, at: NOW, entries: [entry('blacklist')] })).toBe(true);
    expect(
      isInboundRefused({ phone: PHONE, at: NOW, entries: [entry('global'), entry('campaign', 'c1')] }),
    ).toBe(false);
    expect(isInboundRefused({ phone: PHONE, at: NOW, entries: [entry('blacklist', null, NOW)] })).toBe(false);
  });
});

describe('holiday calendar', () => {
  it.each([
    ['2026-09-02', true],
    ['09-02', true],
    ['2026-13-01', false],
    ['2026-9-2', false],
    ['christmas', false],
  ])('%s is a valid entry: %s', (e, ok) => expect(isHolidayEntry(e)).toBe(ok));

  it('matches one date and yearly dates', () => {
    const calendar = { dates: ['2026-04-30', '09-02'] };
    expect(isHoliday(calendar, '2026-04-30')).toBe(true);
    expect(isHoliday(calendar, '2027-04-30')).toBe(false);
    expect(isHoliday(calendar, '2031-09-02')).toBe(true);
    expect(isHoliday(null, '2031-09-02')).toBe(false);
  });
});

describe('effectiveRingTimeout', () => {
  it.each([
    [25, 25],
    [15, 15],
    [10, MIN_RING_SECONDS],
    [0, MIN_RING_SECONDS],
    [15.2, 16],
    [null, MIN_RING_SECONDS],
    [Number.NaN, MIN_RING_SECONDS],
  ])('configured %s rings %s s', (configured, expected) => {
    expect(effectiveRingTimeout(configured as number | null)).toBe(expected);
  });
});

describe('decideAmdAction', () => {
  it.each([
    ['human', 'hangup', true, 'continue', null, false],
    ['notSure', 'hangup', true, 'continue', null, false],
    ['notRun', 'leaveMessage', true, 'continue', null, false],
    ['machine', 'hangup', true, 'hangup', 'machine', true],
    ['machine', 'leaveMessage', true, 'playMessageThenHangup', 'machine', true],
    ['machine', 'leaveMessage', false, 'hangup', 'machine', true],
    ['machine', 'passToAgent', true, 'continue', null, false],
  ] as const)('%s with %s (message %s) -> %s', (result, action, hasMessage, expected, outcome, fp) => {
    expect(decideAmdAction(result, action, hasMessage)).toEqual({
      action: expected,
      outcome,
      countsAsPossibleFalsePositive: fp,
    });
  });
});

describe('abandon rate and throttle', () => {
  const w = (liveAnswered: number, abandoned: number, machineDetections = 0, amdFalsePositiveRate = 0) => ({
    liveAnswered,
    abandoned,
    machineDetections,
    amdFalsePositiveRate,
  });

  it.each([
    [w(100, 3), 0.03],
    [w(0, 0), 0],
    // UK: 2 abandoned + 10% of 50 detections = 5 estimated people hung up on, over 100 + 5.
    [w(100, 2, 50, 0.1), 7 / 105],
  ])('rate of %j is %d', (window, rate) => expect(abandonRate(window)).toBeCloseTo(rate, 10));

  it.each([
    ['well under the cap', w(100, 1), 'normal', 1],
    ['at 80 % of the cap', w(1000, 24), 'slowed', 1],
    ['at 90 % of the cap', w(1000, 27), 'slowed', 0.625],
    ['at the cap', w(100, 3), 'stopped', 0],
    ['over the cap', w(100, 5), 'stopped', 0],
    ['too few answers to judge', w(10, 5), 'normal', 1],
    ['AMD false positives push it over', w(100, 2, 20, 0.1), 'stopped', 0],
  ])('%s', (_d, window, state, factor) => {
    const decision = abandonThrottle(window, 0.03);
    expect(decision.state).toBe(state);
    expect(decision.factor).toBeCloseTo(factor, 10);
  });
});

describe('compliance clock', () => {
  it('runs scale times faster from its start, and maps back to real time', () => {
    let real = 1_000;
    const clock = scaledClock(NOW, 1440, real, () => real);
    expect(clock.now()).toBe(NOW);
    real += 1_000; // one real second is 24 simulated minutes
    expect(clock.now()).toBe(NOW + 1_440_000);
    expect(clock.toReal(NOW + 86_400_000)).toBe(1_000 + 60_000);
  });

  it('reads a spec, and refuses a bad one', () => {
    const clock = parseClockSpec('2026-06-01T00:00:00Z@60', () => 5);
    expect(clock.scale).toBe(60);
    expect(clock.now()).toBe(NOW);
    expect(parseClockSpec(undefined, () => 5).scale).toBe(1);
    expect(() => parseClockSpec('yesterday@2', () => 5)).toThrow(RangeError);
    expect(() => parseClockSpec('2026-06-01T00:00:00Z@0', () => 5)).toThrow(RangeError);
  });
});

describe('AbandonWindowCounter', () => {
  it('counts the facts of the window and forgets older ones', () => {
    const counter = new AbandonWindowCounter(60_000);
    for (let i = 0; i < 50; i++) counter.record(i * 1_000, 'liveAnswered');
    counter.record(10_000, 'abandoned');
    counter.record(55_000, 'abandoned');
    counter.record(56_000, 'machineDetected');
    expect(counter.window(60_000, 0.5)).toEqual({
      liveAnswered: 50,
      abandoned: 2,
      machineDetections: 1,
      amdFalsePositiveRate: 0.5,
    });
    // At 75 s the window starts at 15 s: the first 15 answers and the first abandon are gone.
    expect(counter.window(75_000, 0.5)).toMatchObject({
      liveAnswered: 35,
      abandoned: 1,
      machineDetections: 1,
    });
  });

  it('stops a campaign whose window reaches the cap, and lets it go again as the window slides', () => {
    const counter = new AbandonWindowCounter(60_000);
    for (let i = 0; i < 30; i++) counter.record(i * 100, 'liveAnswered');
    counter.record(3_000, 'abandoned');
    expect(abandonThrottle(counter.window(4_000, 0), 0.03).state).toBe('stopped');
    for (let i = 0; i < 30; i++) counter.record(61_000 + i * 100, 'liveAnswered');
    expect(abandonThrottle(counter.window(65_000, 0), 0.03).state).toBe('normal');
  });
});
