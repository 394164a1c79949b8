import { evaluateCallingHours, type CallingWindow } from './calling-hours';
import type { Weekday } from './local-time';

const EVERY_DAY: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAYTIME: CallingWindow[] = [{ days: EVERY_DAY, start: '08:00', end: '21:00' }];
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe('evaluateCallingHours: one zone', () => {
  it.each([
    // description, zone, instant, allowed
    ['Hanoi 07:59 is before the window', 'Asia/Ho_Chi_Minh', '2026-06-01T00:59:00Z', false],
    ['Hanoi 08:00 opens it', 'Asia/Ho_Chi_Minh', '2026-06-01T01:00:00Z', true],
    ['Hanoi 20:59 is inside', 'Asia/Ho_Chi_Minh', '2026-06-01T13:59:00Z', true],
    ['Hanoi 21:00 closes it (end exclusive)', 'Asia/Ho_Chi_Minh', '2026-06-01T14:00:00Z', false],
    ['New York 08:00 EST on the day before the change', 'America/New_York', '2026-03-07T13:00:00Z', true],
    ['New York 07:00 EST: 12:00Z is too early in winter', 'America/New_York', '2026-03-07T12:00:00Z', false],
    ['New York 08:00 EDT: 12:00Z is fine after the change', 'America/New_York', '2026-03-09T12:00:00Z', true],
    ['London 07:30 BST on the change morning', 'Europe/London', '2026-03-29T06:30:00Z', false],
    ['London 08:00 BST on the change morning', 'Europe/London', '2026-03-29T07:00:00Z', true],
  ])('%s', (_d, zone, instant, allowed) => {
    expect(evaluateCallingHours({ windows: DAYTIME, zones: [zone], at: at(instant) }).allowed).toBe(allowed);
  });

  it('on the spring-forward night a window ending in the skipped hour closes when the clocks jump', () => {
    const night: CallingWindow[] = [{ days: EVERY_DAY, start: '00:00', end: '02:30' }];
    const z = ['America/New_York'];
    expect(evaluateCallingHours({ windows: night, zones: z, at: at('2026-03-08T06:59:00Z') }).allowed).toBe(
      true,
    );
    // 07:00Z is 03:00 EDT: 02:00-02:59 never happened.
    expect(evaluateCallingHours({ windows: night, zones: z, at: at('2026-03-08T07:00:00Z') }).allowed).toBe(
      false,
    );
  });

  it('on the fall-back night the repeated hour is inside both times', () => {
    const night: CallingWindow[] = [{ days: EVERY_DAY, start: '01:00', end: '01:45' }];
    const z = ['America/New_York'];
    expect(evaluateCallingHours({ windows: night, zones: z, at: at('2026-11-01T05:15:00Z') }).allowed).toBe(
      true,
    );
    expect(evaluateCallingHours({ windows: night, zones: z, at: at('2026-11-01T06:15:00Z') }).allowed).toBe(
      true,
    );
    expect(evaluateCallingHours({ windows: night, zones: z, at: at('2026-11-01T06:50:00Z') }).allowed).toBe(
      false,
    );
  });

  it.each([
    // from, zone, next allowed
    ['2026-03-08T03:00:00Z', 'America/New_York', '2026-03-08T12:00:00.000Z'], // 22:00 EST -> 08:00 EDT
    ['2026-11-01T03:00:00Z', 'America/New_York', '2026-11-01T13:00:00.000Z'], // 23:00 EDT -> 08:00 EST
    ['2026-06-01T15:00:00Z', 'Asia/Ho_Chi_Minh', '2026-06-02T01:00:00.000Z'],
    ['2026-03-28T22:00:00Z', 'Europe/London', '2026-03-29T07:00:00.000Z'],
  ])('from %s in %s the next allowed instant is %s', (from, zone, expected) => {
    const verdict = evaluateCallingHours({ windows: DAYTIME, zones: [zone], at: at(from) });
    expect(verdict.allowed).toBe(false);
    expect(iso(verdict.nextAllowedAt)).toBe(expected);
  });

  it('honours weekdays: a Monday-to-Friday campaign skips the weekend', () => {
    const weekdays: CallingWindow[] = [
      { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' },
    ];
    // Saturday 6 June 2026, 10:00 in Hanoi.
    const verdict = evaluateCallingHours({
      windows: weekdays,
      zones: ['Asia/Ho_Chi_Minh'],
      at: at('2026-06-06T03:00:00Z'),
    });
    expect(verdict.allowed).toBe(false);
    expect(iso(verdict.nextAllowedAt)).toBe('2026-06-08T02:00:00.000Z');
  });

  it('several windows a day: the lunch break is closed', () => {
    const split: CallingWindow[] = [
      { days: EVERY_DAY, start: '08:00', end: '11:30' },
      { days: EVERY_DAY, start: '13:30', end: '20:00' },
    ];
    const z = ['Asia/Ho_Chi_Minh'];
    const lunch = evaluateCallingHours({ windows: split, zones: z, at: at('2026-06-01T05:00:00Z') });
    expect(lunch.allowed).toBe(false);
    expect(iso(lunch.nextAllowedAt)).toBe('2026-06-01T06:30:00.000Z');
  });
});

describe('evaluateCallingHours: holidays', () => {
  const holidays = { dates: ['2026-09-02', '01-01'] };
  it.each([
    ['Vietnam National Day, 10:00 in Hanoi', '2026-09-02T03:00:00Z', false, 'holiday'],
    ['the day after, 10:00', '2026-09-03T03:00:00Z', true, null],
    ['New Year, every year', '2027-01-01T03:00:00Z', false, 'holiday'],
    // 23:30Z on 1 September is already 2 September 06:30 in Hanoi: the contact's date counts.
    ["the holiday starts at the contact's midnight", '2026-09-02T01:30:00Z', false, 'holiday'],
  ])('%s', (_d, instant, allowed, reason) => {
    const verdict = evaluateCallingHours({
      windows: DAYTIME,
      zones: ['Asia/Ho_Chi_Minh'],
      at: at(instant),
      holidays,
    });
    expect(verdict.allowed).toBe(allowed);
    expect(verdict.zones[0]!.reason).toBe(reason);
  });

  it("the next allowed instant after a holiday is the next day's opening", () => {
    const verdict = evaluateCallingHours({
      windows: DAYTIME,
      zones: ['Asia/Ho_Chi_Minh'],
      at: at('2026-09-02T03:00:00Z'),
      holidays,
    });
    expect(iso(verdict.nextAllowedAt)).toBe('2026-09-03T01:00:00.000Z');
  });
});

describe('evaluateCallingHours: a number that may be in several zones', () => {
  const US_ALL = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'];
  it.each([
    // 12:30Z in June: 08:30 New York but 05:30 Los Angeles.
    ['morning in the east, night in the west', '2026-06-01T12:30:00Z', false],
    // 18:00Z: 14:00 New York, 11:00 Los Angeles.
    ['afternoon everywhere', '2026-06-01T18:00:00Z', true],
    // 00:30Z: 20:30 New York, 17:30 Los Angeles.
    ['evening in the east, afternoon in the west', '2026-06-02T00:30:00Z', true],
    // 01:30Z: 21:30 New York (closed), 18:30 LA.
    ['late in the east', '2026-06-02T01:30:00Z', false],
  ])('%s', (_d, instant, allowed) => {
    expect(evaluateCallingHours({ windows: DAYTIME, zones: US_ALL, at: at(instant) }).allowed).toBe(allowed);
  });

  it('waits for the latest zone to open: 08:00 in Los Angeles', () => {
    const verdict = evaluateCallingHours({ windows: DAYTIME, zones: US_ALL, at: at('2026-06-01T12:30:00Z') });
    expect(iso(verdict.nextAllowedAt)).toBe('2026-06-01T15:00:00.000Z');
    expect(verdict.zones.filter((z) => !z.allowed).map((z) => z.zone)).toEqual([
      'America/Chicago',
      'America/Denver',
      'America/Los_Angeles',
    ]);
  });

  it('zones whose windows never overlap have no allowed instant', () => {
    const narrow: CallingWindow[] = [{ days: EVERY_DAY, start: '09:00', end: '10:00' }];
    const verdict = evaluateCallingHours({
      windows: narrow,
      zones: ['Asia/Ho_Chi_Minh', 'America/New_York'],
      at: at('2026-06-01T00:00:00Z'),
      searchDays: 3,
    });
    expect(verdict.allowed).toBe(false);
    expect(verdict.nextAllowedAt).toBeNull();
  });
});

describe('a contact in Vietnam called from a campaign in Paris', () => {
  it.each([
    // 15:00Z: 17:00 in Paris (campaign open) but 22:00 in Hanoi.
    ['Paris afternoon is Hanoi night', '2026-06-01T15:00:00Z', false],
    // 06:00Z: 08:00 Paris, 13:00 Hanoi.
    ['Paris morning is Hanoi afternoon', '2026-06-01T06:00:00Z', true],
    // 00:30Z: 02:30 in Paris (campaign closed), 07:30 in Hanoi.
    ['Paris night is Hanoi early morning', '2026-06-01T00:30:00Z', false],
    ['Paris night is Hanoi 08:00', '2026-06-01T01:00:00Z', true],
  ])('%s', (_d, instant, allowed) => {
    expect(
      evaluateCallingHours({ windows: DAYTIME, zones: ['Asia/Ho_Chi_Minh'], at: at(instant) }).allowed,
    ).toBe(allowed);
  });
});
