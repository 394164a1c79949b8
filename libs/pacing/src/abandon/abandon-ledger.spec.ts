import { AbandonLedger } from './abandon-ledger';

describe('AbandonLedger (regulator accounting)', () => {
  it('rate = abandoned / live-answered; the budget says how many more abandons fit', () => {
    const l = new AbandonLedger({ rule: 'US', capPercent: 3 });
    for (let i = 0; i < 200; i += 1) l.recordLiveAnswer(i);
    for (let i = 0; i < 4; i += 1) l.recordAbandon(100 + i);
    const b = l.budget(300);
    expect(b.liveAnswered).toBe(200);
    expect(b.abandoned).toBe(4);
    expect(b.rate).toBeCloseTo(0.02);
    expect(b.abandonsLeft).toBe(2); // 3% of 200 = 6
  });

  it('UK counts AMD false positives as abandoned live calls; US does not', () => {
    const uk = new AbandonLedger({ rule: 'UK', capPercent: 3 });
    const us = new AbandonLedger({ rule: 'US', capPercent: 3 });
    for (const l of [uk, us]) {
      for (let i = 0; i < 98; i += 1) l.recordLiveAnswer(i);
      l.recordAmdFalsePositive(50);
      l.recordAmdFalsePositive(51);
    }
    expect(uk.budget(200).rate).toBeCloseTo(2 / 100);
    expect(us.budget(200).rate).toBe(0);
  });

  it('UK window is 24 h: yesterday does not count today', () => {
    const l = new AbandonLedger({ rule: 'UK', capPercent: 3 });
    l.recordLiveAnswer(0);
    l.recordAbandon(1);
    const later = 25 * 3600;
    l.recordLiveAnswer(later);
    expect(l.budget(later).rate).toBe(0);
    expect(l.windowSec).toBe(24 * 3600);
  });

  it('US window is 30 days', () => {
    const l = new AbandonLedger({ rule: 'US', capPercent: 3 });
    l.recordLiveAnswer(0);
    l.recordAbandon(0);
    expect(l.budget(29 * 86400).abandoned).toBe(1);
    expect(l.budget(31 * 86400).abandoned).toBe(0);
  });

  it('worst window over a run longer than the window finds the bad day', () => {
    const l = new AbandonLedger({ rule: 'UK', capPercent: 3, bucketSec: 3600 });
    const day = 86400;
    for (let d = 0; d < 3; d += 1) for (let i = 0; i < 100; i += 1) l.recordLiveAnswer(d * day + i * 60);
    for (let i = 0; i < 6; i += 1) l.recordAbandon(day + 1000 + i);
    expect(l.worstWindowRate(0, 3 * day)).toBeCloseTo(0.06, 2);
    // Whole-run rate is lower: the window, not the average, is what the regulator sees.
    const t = l.totals(-1, 3 * day);
    expect(t.abandoned / t.live).toBeCloseTo(0.02, 2);
  });

  it('a run shorter than the window is one window', () => {
    const l = new AbandonLedger({ rule: 'US', capPercent: 3 });
    for (let i = 0; i < 50; i += 1) l.recordLiveAnswer(i * 100);
    l.recordAbandon(10);
    expect(l.worstWindowRate(0, 8 * 3600)).toBeCloseTo(1 / 50);
  });

  it('prunes buckets that left the window', () => {
    const l = new AbandonLedger({ rule: 'UK', capPercent: 3 });
    l.recordLiveAnswer(0);
    l.recordLiveAnswer(90_000);
    l.prune(150_000);
    expect(l.totals(-Infinity, Infinity).live).toBe(1);
    expect(l.budget(150_000).liveAnswered).toBe(1);
  });
});
