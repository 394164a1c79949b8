import { advanceCall, startCall } from '@autotelesale/dialer-domain';
import { callSnapshot } from './campaign-runner';

describe('callSnapshot (what the pacer sees of a live call)', () => {
  const t0 = 1_000_000;

  it('a call answered while AMD listens is in flight (detecting), not forgotten', () => {
    const dialing = startCall('c1', t0, {
      introMs: 0,
      graceMs: 2_000,
      amd: { action: 'hangup', hasMessage: false, windowMs: 4_000 },
    });
    expect(callSnapshot(dialing, t0 + 500)).toEqual({ id: 'c1', state: 'ringing', dialedAt: t0 / 1000 });
    const detecting = advanceCall(dialing, { type: 'answered', at: t0 + 900 }).state;
    expect(detecting.phase).toBe('detecting');
    expect(callSnapshot(detecting, t0 + 1_500)).toEqual({
      id: 'c1',
      state: 'detecting',
      dialedAt: t0 / 1000,
      answeredAt: (t0 + 900) / 1000,
    });
  });

  it('a person waiting for an agent counts from when an agent was needed', () => {
    const dialing = startCall('c2', t0, { introMs: 0, graceMs: 2_000 });
    const waiting = advanceCall(dialing, { type: 'answered', at: t0 + 700 }).state;
    expect(callSnapshot(waiting, t0 + 800)).toMatchObject({
      state: 'waiting',
      agentNeededAt: (t0 + 700) / 1000,
    });
  });
});
