import { addDays, clockMinutes, instantOf, isTimeZone, localTimeIn } from './local-time';

const at = (iso: string) => Date.parse(iso);

describe('localTimeIn', () => {
  it.each([
    // zone, instant, local date, weekday, clock, offset
    ['Asia/Ho_Chi_Minh', '2026-06-01T15:00:00Z', '2026-06-01', 'mon', '22:00', 420],
    ['Europe/Paris', '2026-06-01T15:00:00Z', '2026-06-01', 'mon', '17:00', 120],
    ['America/New_York', '2026-03-08T06:59:00Z', '2026-03-08', 'sun', '01:59', -300],
    ['America/New_York', '2026-03-08T07:00:00Z', '2026-03-08', 'sun', '03:00', -240],
    ['America/New_York', '2026-11-01T05:30:00Z', '2026-11-01', 'sun', '01:30', -240],
    ['America/New_York', '2026-11-01T06:30:00Z', '2026-11-01', 'sun', '01:30', -300],
    ['Australia/Adelaide', '2026-01-10T00:00:00Z', '2026-01-10', 'sat', '10:30', 630],
    ['Asia/Kathmandu', '2026-01-10T00:00:00Z', '2026-01-10', 'sat', '05:45', 345],
    ['Pacific/Kiritimati', '2026-01-10T23:00:00Z', '2026-01-11', 'sun', '13:00', 840],
  ])('%s at %s is %s %s %s (offset %i)', (zone, instant, date, weekday, clock, offset) => {
    const local = localTimeIn(zone, at(instant));
    expect(local).toMatchObject({ date, weekday, clock, offsetMinutes: offset });
    expect(local.minuteOfDay).toBe(clockMinutes(clock));
  });
});

describe('instantOf', () => {
  it.each([
    ['Asia/Ho_Chi_Minh', '2026-06-02', '08:00', '2026-06-02T01:00:00.000Z'],
    ['America/New_York', '2026-03-07', '08:00', '2026-03-07T13:00:00.000Z'],
    ['America/New_York', '2026-03-09', '08:00', '2026-03-09T12:00:00.000Z'],
    // 02:30 does not exist on the spring-forward night: the clocks jump from 02:00 to 03:00.
    ['America/New_York', '2026-03-08', '02:30', '2026-03-08T07:00:00.000Z'],
    // 01:30 happens twice on the fall-back night: the first one.
    ['America/New_York', '2026-11-01', '01:30', '2026-11-01T05:30:00.000Z'],
    ['Europe/London', '2026-03-29', '01:30', '2026-03-29T01:00:00.000Z'],
    ['Europe/London', '2026-03-29', '00:00', '2026-03-29T00:00:00.000Z'],
  ])('%s %s %s is %s', (zone, date, clock, expected) => {
    expect(new Date(instantOf(zone, date, clockMinutes(clock))).toISOString()).toBe(expected);
  });
});

describe('helpers', () => {
  it('adds days across months and years', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('knows IANA zones and refuses others', () => {
    expect(isTimeZone('Asia/Ho_Chi_Minh')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });

  it('reads 24:00 as the end of the day', () => {
    expect(clockMinutes('24:00')).toBe(1440);
  });
});
