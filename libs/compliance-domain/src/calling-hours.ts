import { isHoliday, type HolidayCalendar } from './holiday-calendar';
import { addDays, clockMinutes, instantOf, localTimeIn, type Weekday } from './local-time';

/** A daily window on the given weekdays, local time, `start` < `end` (`24:00` allowed as an end). */
export interface CallingWindow {
  days: readonly Weekday[];
  start: string;
  end: string;
}

export interface ZoneVerdict {
  zone: string;
  /** Local date, weekday and clock at the instant checked. */
  local: string;
  allowed: boolean;
  /** Why not: `outsideWindow` or `holiday`. */
  reason: 'outsideWindow' | 'holiday' | null;
}

export interface CallingHoursVerdict {
  allowed: boolean;
  /** One verdict per candidate zone; all must allow. */
  zones: ZoneVerdict[];
  /** When refused: the first instant (epoch ms) every zone allows, within `searchDays`; null if none. */
  nextAllowedAt: number | null;
}

export interface CallingHoursInput {
  windows: readonly CallingWindow[];
  /** Every zone the contact may be in (see `contactZones`). */
  zones: readonly string[];
  /** Epoch ms. */
  at: number;
  holidays?: HolidayCalendar | null;
  /** How far ahead to look for the next allowed instant (default 14 days). */
  searchDays?: number;
}

/** Whether `at` is inside a window of `windows` in `zone`, and not a holiday there. */
export function zoneVerdict(
  windows: readonly CallingWindow[],
  zone: string,
  at: number,
  holidays?: HolidayCalendar | null,
): ZoneVerdict {
  const local = localTimeIn(zone, at);
  const label = `${local.date} ${local.weekday} ${local.clock}`;
  if (isHoliday(holidays, local.date)) return { zone, local: label, allowed: false, reason: 'holiday' };
  const inside = windows.some(
    (w) =>
      w.days.includes(local.weekday) &&
      local.minuteOfDay >= clockMinutes(w.start) &&
      local.minuteOfDay < clockMinutes(w.end),
  );
  return { zone, local: label, allowed: inside, reason: inside ? null : 'outsideWindow' };
}

/**
 * Calling hours in the contact's own zone(s): allowed only when every zone the contact
 * may be in is inside a window and not on a holiday. When refused, the next instant all
 * of them allow: the first allowed instant is always the opening of a window (or a local
 * midnight after a holiday) in one of the zones, so only those are tried.
 */
export function evaluateCallingHours(input: CallingHoursInput): CallingHoursVerdict {
  const zones = input.zones.map((z) => zoneVerdict(input.windows, z, input.at, input.holidays));
  const allowed = zones.every((z) => z.allowed);
  if (allowed) return { allowed, zones, nextAllowedAt: null };
  return { allowed, zones, nextAllowedAt: nextAllowedInstant(input) };
}

function allowedEverywhere(input: CallingHoursInput, at: number): boolean {
  return input.zones.every((z) => zoneVerdict(input.windows, z, at, input.holidays).allowed);
}

function nextAllowedInstant(input: CallingHoursInput): number | null {
  const days = input.searchDays ?? 14;
  const openings = new Set<number>();
  for (const zone of input.zones) {
    const today = localTimeIn(zone, input.at).date;
    for (let d = 0; d <= days; d++) {
      const date = addDays(today, d);
      openings.add(instantOf(zone, date, 0));
      for (const w of input.windows) openings.add(instantOf(zone, date, clockMinutes(w.start)));
    }
  }
  const limit = input.at + days * 86_400_000;
  const sorted = [...openings].filter((t) => t > input.at && t <= limit).sort((a, b) => a - b);
  return sorted.find((t) => allowedEverywhere(input, t)) ?? null;
}
