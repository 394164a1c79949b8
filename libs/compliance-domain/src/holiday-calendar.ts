/**
 * A campaign's holidays: days nobody is called, in the contact's own zone (a holiday on
 * 2 September is 2 September where the contact is). `YYYY-MM-DD` is one date;
 * `MM-DD` recurs every year (1 January, national days).
 */
export interface HolidayCalendar {
  dates: readonly string[];
}

const ONE_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const YEARLY = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** True when `entry` is a date (`2026-09-02`) or a yearly date (`01-01`). */
export function isHolidayEntry(entry: string): boolean {
  return ONE_DATE.test(entry) || YEARLY.test(entry);
}

/** Whether the local date `date` (`YYYY-MM-DD`) is a holiday of the calendar. */
export function isHoliday(calendar: HolidayCalendar | null | undefined, date: string): boolean {
  if (!calendar) return false;
  const monthDay = date.slice(5);
  return calendar.dates.some((d) => d === date || d === monthDay);
}
