import { Scheduler } from './scheduler';

describe('Scheduler', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs callbacks in due order, FIFO for equal times, and honours cancel', () => {
    let now = 0;
    const s = new Scheduler(1, () => now);
    const seen: string[] = [];
    s.after(30, () => seen.push('c'));
    s.after(10, () => seen.push('a'));
    s.after(10, () => seen.push('b'));
    s.after(20, () => seen.push('x')).cancel();
    now = 100;
    jest.advanceTimersByTime(100);
    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('scales simulated time', () => {
    let now = 0;
    const s = new Scheduler(0.05, () => now);
    const fired: number[] = [];
    s.afterSim(1000, () => fired.push(now));
    now = 49;
    jest.advanceTimersByTime(49);
    expect(fired).toEqual([]);
    now = 50;
    jest.advanceTimersByTime(1);
    expect(fired).toEqual([50]);
  });
});
