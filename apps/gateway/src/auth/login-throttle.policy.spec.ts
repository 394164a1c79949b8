import { afterFailure, retryAfterSeconds, type LoginThrottlePolicy } from './login-throttle.policy';

const policy: LoginThrottlePolicy = { maxFailures: 3, windowMs: 60_000, lockMs: 30_000 };
const at = (seconds: number) => new Date(Date.UTC(2026, 10, 23, 12, 0, seconds));

function failures(times: number[]) {
  return times.reduce<ReturnType<typeof afterFailure> | null>(
    (state, t) => afterFailure(state, at(t), policy),
    null,
  );
}

describe('login throttle policy', () => {
  it('locks a key at the max-th failure inside the window, for the lock time', () => {
    expect(failures([0, 10])).toMatchObject({ failures: 2, lockedUntil: null });
    const locked = failures([0, 10, 20])!;
    expect(locked.lockedUntil).toEqual(at(50));
    expect(retryAfterSeconds(locked, at(21))).toBe(29);
    expect(retryAfterSeconds(locked, at(50))).toBe(0);
  });

  it('starts counting again when the window has passed without reaching the max', () => {
    const state = failures([0, 10, 61])!;
    expect(state).toMatchObject({ failures: 1, lockedUntil: null });
    expect(state.windowStartedAt).toEqual(at(61));
  });

  it('starts counting again after a lock has run out, so one more failure does not relock', () => {
    const state = failures([0, 1, 2, 40])!;
    expect(state).toMatchObject({ failures: 1, lockedUntil: null });
  });

  it('extends the lock on failures that slip in while it holds (concurrent requests)', () => {
    const state = failures([0, 1, 2, 3])!;
    expect(state.failures).toBe(4);
    expect(state.lockedUntil).toEqual(at(33));
  });

  it('locks on the first failure when the max is one', () => {
    expect(afterFailure(null, at(0), { ...policy, maxFailures: 1 }).lockedUntil).toEqual(at(30));
  });

  it('rounds the wait up to whole seconds, never to zero while locked', () => {
    expect(retryAfterSeconds({ lockedUntil: new Date(at(10).getTime() + 1) }, at(10))).toBe(1);
    expect(retryAfterSeconds(null, at(0))).toBe(0);
  });
});
