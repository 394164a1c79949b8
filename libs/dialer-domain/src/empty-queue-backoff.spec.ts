import { EmptyQueueBackoff } from './empty-queue-backoff';

describe('EmptyQueueBackoff', () => {
  it('lets the first lease through, then waits 0.5, 1, 2, 4, 4 s after each one that found nothing', () => {
    const backoff = new EmptyQueueBackoff({ firstMs: 500, maxMs: 4_000 });
    let now = 1_000;
    expect(backoff.mayTry(now)).toBe(true);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      backoff.foundNothing(now);
      let waited = 0;
      while (!backoff.mayTry(now + waited)) waited += 100;
      waits.push(waited);
      now += waited;
    }
    expect(waits).toEqual([500, 1_000, 2_000, 4_000, 4_000]);
  });

  it('tries again at once after a lease that found a contact, and starts the wait afresh', () => {
    const backoff = new EmptyQueueBackoff({ firstMs: 500, maxMs: 4_000 });
    backoff.foundNothing(0);
    backoff.foundNothing(500);
    expect(backoff.mayTry(1_400)).toBe(false);
    backoff.foundContact();
    expect(backoff.mayTry(1_400)).toBe(true);
    backoff.foundNothing(1_400);
    expect([backoff.mayTry(1_899), backoff.mayTry(1_900)]).toEqual([false, true]);
  });
});
