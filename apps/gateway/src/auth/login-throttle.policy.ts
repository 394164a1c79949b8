/**
 * When failed sign-ins lock a key (an account, or a client address) and for how long.
 * Pure: the store applies it with a compare-and-set, so replicas share one count.
 *
 * A window opens at a key's first failure and lasts `windowMs`; the `maxFailures`-th
 * failure inside it locks the key for `lockMs`. A window or lock that has run out starts
 * the count again. A correct password does not open a locked key: the lock is what stops
 * guessing, so it must not tell a right guess from a wrong one.
 */
export interface LoginThrottlePolicy {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

export interface ThrottleState {
  failures: number;
  windowStartedAt: Date;
  lockedUntil: Date | null;
}

export function afterFailure(
  previous: ThrottleState | null,
  now: Date,
  policy: LoginThrottlePolicy,
): ThrottleState {
  const expired =
    previous === null ||
    previous.windowStartedAt.getTime() + policy.windowMs <= now.getTime() ||
    (previous.lockedUntil !== null && previous.lockedUntil.getTime() <= now.getTime());
  const failures = expired ? 1 : previous.failures + 1;
  const windowStartedAt = expired ? now : previous.windowStartedAt;
  const stillLocked = !expired && previous.lockedUntil !== null ? previous.lockedUntil : null;
  const lockedUntil = failures >= policy.maxFailures ? new Date(now.getTime() + policy.lockMs) : stillLocked;
  return { failures, windowStartedAt, lockedUntil };
}

/** Whole seconds until the key opens again (at least 1), or 0 when it is open. */
export function retryAfterSeconds(state: Pick<ThrottleState, 'lockedUntil'> | null, now: Date): number {
  if (!state?.lockedUntil) return 0;
  const ms = state.lockedUntil.getTime() - now.getTime();
  return ms > 0 ? Math.max(1, Math.ceil(ms / 1000)) : 0;
}
