import { decideOwnership, renewalIntervalMs } from './campaign-ownership';

describe('decideOwnership', () => {
  it('acquires a campaign nobody holds', () => {
    expect(decideOwnership(undefined, 'd1', 1_000, 9_000)).toEqual({
      action: 'acquire',
      record: { dialerId: 'd1', expiresAt: 10_000, since: 1_000 },
    });
  });

  it('renews its own lease and keeps when it was first taken', () => {
    const current = { dialerId: 'd1', expiresAt: 10_000, since: 1_000 };
    expect(decideOwnership(current, 'd1', 4_000, 9_000)).toEqual({
      action: 'renew',
      record: { dialerId: 'd1', expiresAt: 13_000, since: 1_000 },
    });
  });

  it('leaves a live lease of another replica alone, up to the last millisecond', () => {
    const current = { dialerId: 'd1', expiresAt: 10_000, since: 1_000 };
    expect(decideOwnership(current, 'd2', 9_999, 9_000)).toEqual({
      action: 'leave',
      owner: 'd1',
      expiresAt: 10_000,
    });
  });

  it('takes over an expired lease and names the replica whose calls to reconcile', () => {
    const current = { dialerId: 'd1', expiresAt: 10_000, since: 1_000 };
    expect(decideOwnership(current, 'd2', 10_000, 9_000)).toEqual({
      action: 'takeOver',
      previousOwner: 'd1',
      record: { dialerId: 'd2', expiresAt: 19_000, since: 10_000 },
    });
  });

  it('renews at a third of the lease, so two failed renewals still leave it held', () => {
    expect(renewalIntervalMs(9_000)).toBe(3_000);
    expect(renewalIntervalMs(30)).toBe(50);
  });
});
