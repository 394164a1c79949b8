/** Date and uptime strings exactly as FreeSWITCH prints them. */
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

let cachedSecond = -1;
let cachedLocal = '';
let cachedGmt = '';

/** Event-Date-Local ("YYYY-MM-DD HH:MM:SS", local time) and Event-Date-GMT (RFC-822), cached per second. */
export function eventDates(nowMs: number): { local: string; gmt: string } {
  const second = Math.floor(nowMs / 1000);
  if (second !== cachedSecond) {
    const d = new Date(second * 1000);
    cachedLocal = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    cachedGmt = d.toUTCString();
    cachedSecond = second;
  }
  return { local: cachedLocal, gmt: cachedGmt };
}

export function nowMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

/** "0 years, 3 days, 0 hours, 7 minutes, 45 seconds, 418 milliseconds, 715 microseconds" */
export function upTimeText(uptimeUs: number): string {
  let us = Math.max(0, Math.floor(uptimeUs));
  const micro = us % 1000;
  us = Math.floor(us / 1000);
  const milli = us % 1000;
  let s = Math.floor(us / 1000);
  const years = Math.floor(s / (86400 * 365));
  s -= years * 86400 * 365;
  const days = Math.floor(s / 86400);
  s -= days * 86400;
  const hours = Math.floor(s / 3600);
  s -= hours * 3600;
  const minutes = Math.floor(s / 60);
  s -= minutes * 60;
  return `${years} years, ${days} days, ${hours} hours, ${minutes} minutes, ${s} seconds, ${milli} milliseconds, ${micro} microseconds`;
}

/** Channel-variable stamps: "2025-01-15 10:21:07" local time. */
export function stamp(us: number): string {
  const d = new Date(Math.floor(us / 1000));
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
