/**
 * Wall-clock time in an IANA zone, from the ICU data Node ships (no tz database of our
 * own). Formatters are cached per zone: creating one costs far more than using it.
 */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface LocalTime {
  /** `YYYY-MM-DD` in the zone. */
  date: string;
  weekday: Weekday;
  /** Minutes since local midnight, 0..1439. */
  minuteOfDay: number;
  /** `HH:MM`. */
  clock: string;
  /** Offset from UTC in minutes at that instant (Hanoi +420, New York -300 or -240). */
  offsetMinutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, Weekday> = {
  Mon: 'mon',
  Tue: 'tue',
  Wed: 'wed',
  Thu: 'thu',
  Fri: 'fri',
  Sat: 'sat',
  Sun: 'sun',
};

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True when ICU knows the zone (`Asia/Ho_Chi_Minh`, `America/New_York`, `UTC`). */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of `zone` at `at` (epoch ms). */
export function localTimeIn(zone: string, at: number): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(zone).formatToParts(new Date(at))) parts[p.type] = p.value;
  const y = Number(parts['year']);
  const mo = Number(parts['month']);
  const d = Number(parts['day']);
  const h = Number(parts['hour']);
  const mi = Number(parts['minute']);
  const s = Number(parts['second']);
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  const offsetMinutes = Math.round((wall - Math.floor(at / 1000) * 1000) / 60_000);
  return {
    date: `${parts['year']}-${parts['month']}-${parts['day']}`,
    weekday: WEEKDAYS[parts['weekday']!]!,
    minuteOfDay: h * 60 + mi,
    clock: `${parts['hour']}:${parts['minute']}`,
    offsetMinutes,
  };
}

/**
 * The instant a wall-clock time happens in `zone`. A time skipped by a daylight-saving
 * change (02:30 on a spring-forward night) gives the instant the clocks jump (when the
 * wall clock first reads later than it: 03:00); a repeated one gives the first.
 */
export function instantOf(zone: string, date: string, minuteOfDay: number): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, Math.floor(minuteOfDay / 60), minuteOfDay % 60);
  // Two passes settle the offset on either side of a change.
  const guess = wall - localTimeIn(zone, wall).offsetMinutes * 60_000;
  const second = wall - localTimeIn(zone, guess).offsetMinutes * 60_000;
  if (second !== guess) {
    // Near a change: prefer the earlier reading that matches the wall clock.
    const [lo, hi] = [guess, second].sort((a, b) => a - b) as [number, number];
    const exact = [lo, hi].find((c) => localTimeIn(zone, c).minuteOfDay === minuteOfDay);
    if (exact !== undefined) return exact;
    return firstInstantAtOrAfter(zone, date, minuteOfDay, lo, hi);
  }
  return guess;
}

/** Bisects a skipped stretch of wall clock to the minute the clocks jump. */
function firstInstantAtOrAfter(
  zone: string,
  date: string,
  minuteOfDay: number,
  lo: number,
  hi: number,
): number {
  const reached = (at: number) => {
    const local = localTimeIn(zone, at);
    return local.date > date || (local.date === date && local.minuteOfDay >= minuteOfDay);
  };
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (reached(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** `YYYY-MM-DD` plus `days`. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** `HH:MM` -> minutes since midnight (`24:00` -> 1440). */
export function clockMinutes(clock: string): number {
  const [h, m] = clock.split(':').map(Number) as [number, number];
  return h * 60 + m;
}
