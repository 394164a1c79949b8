/**
 * The clock compliance decisions read. Production: real time. Tests and demos: a scaled
 * clock that starts at a chosen instant and runs `scale` times faster than real time,
 * so a 24-hour campaign can be run in a minute (`ATS_COMPLIANCE_CLOCK=<iso>@<scale>`).
 */
export interface ComplianceClock {
  /** Now, on this clock (epoch ms). */
  now(): number;
  /** The real instant (epoch ms) at which this clock will read `at`. */
  toReal(at: number): number;
  readonly scale: number;
}

export const realClock: ComplianceClock = {
  now: () => Date.now(),
  toReal: (at) => at,
  scale: 1,
};

/** A clock reading `start` at real time `realStart`, running `scale` times faster. */
export function scaledClock(
  start: number,
  scale: number,
  realStart: number,
  realNow: () => number,
): ComplianceClock {
  if (!(scale > 0)) throw new RangeError('scale must be positive');
  return {
    now: () => start + (realNow() - realStart) * scale,
    toReal: (at) => realStart + (at - start) / scale,
    scale,
  };
}

/** Reads `<ISO instant>@<scale>` (`2026-03-08T00:00:00Z@1440`); empty: the real clock. */
export function parseClockSpec(spec: string | undefined, realNow: () => number): ComplianceClock {
  if (!spec) return realClock;
  const match = /^(.+)@(\d+(?:\.\d+)?)$/.exec(spec.trim());
  const start = match ? Date.parse(match[1]!) : Number.NaN;
  if (!match || Number.isNaN(start))
    throw new RangeError(`bad clock spec ${spec}: expected <ISO instant>@<scale>`);
  return scaledClock(start, Number(match[2]), realNow(), realNow);
}
