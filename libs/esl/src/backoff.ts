export interface BackoffOptions {
  /** Delay before the first retry (default 100 ms). */
  initialDelayMs: number;
  /** Cap: no wait is ever longer (default 10 s). */
  maxDelayMs: number;
  /** Growth per attempt (default 2). */
  factor: number;
  /**
   * 0..1: the share of each delay that is randomised. 0.5 = "equal jitter" (between half
   * and all of the exponential delay), so a dialer fleet reconnecting to a node that came
   * back does not arrive in one wave (reference 7.2 #1: hand-rolled loops caused storms).
   */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialDelayMs: 100,
  maxDelayMs: 10_000,
  factor: 2,
  jitter: 0.5,
};

/** Delay before retry number `attempt` (0-based): capped exponential with jitter. */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const exp = options.initialDelayMs * Math.pow(options.factor, Math.max(0, attempt));
  const capped = Math.min(options.maxDelayMs, Number.isFinite(exp) ? exp : options.maxDelayMs);
  const jitter = Math.min(1, Math.max(0, options.jitter));
  return Math.round(capped * (1 - jitter) + capped * jitter * random());
}
