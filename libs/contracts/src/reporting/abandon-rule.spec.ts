import { abandonDeadline, abandonVerdict, isAbandonedCall, type AbandonClockFacts } from './abandon-rule';

const T0 = Date.parse('2026-11-23T10:00:00.000Z');
const call = (over: Partial<AbandonClockFacts>): AbandonClockFacts => ({
  answeredAt: T0,
  connectedAt: null,
  over: true,
  ...over,
});

describe('the abandon rule (one definition for reporting and the dialer)', () => {
  describe('no intro: the grace runs from the answer', () => {
    it('bridged at exactly the 2 s grace is in time; 1 ms later is abandoned', () => {
      expect(abandonVerdict(call({ connectedAt: T0 + 2_000 }))).toBe('connectedInTime');
      expect(abandonVerdict(call({ connectedAt: T0 + 2_001 }))).toBe('lateConnect');
      expect(isAbandonedCall(call({ connectedAt: T0 + 2_001 }))).toBe(true);
    });

    it('uses the campaign grace when the call carries it', () => {
      expect(abandonVerdict(call({ connectedAt: T0 + 3_000, graceMs: 5_000 }))).toBe('connectedInTime');
      expect(abandonVerdict(call({ connectedAt: T0 + 600, graceMs: 500 }))).toBe('lateConnect');
      expect(abandonDeadline(call({ graceMs: null }))).toBe(T0 + 2_000);
    });
  });

  describe('with an intro: the grace runs from its end', () => {
    const introEndedAt = T0 + 6_000;

    it('bridged 2 s after the intro ended is in time, although 8 s after the answer', () => {
      expect(abandonVerdict(call({ introEndedAt, connectedAt: T0 + 8_000 }))).toBe('connectedInTime');
      expect(abandonVerdict(call({ introEndedAt, connectedAt: T0 + 8_001 }))).toBe('lateConnect');
    });

    it('takes the intro length when its end time is not known', () => {
      expect(abandonDeadline(call({ introMs: 6_000 }))).toBe(T0 + 8_000);
      expect(abandonVerdict(call({ introMs: 6_000, connectedAt: T0 + 7_000 }))).toBe('connectedInTime');
      // The end time wins over the nominal length (an intro cut short, or played longer).
      expect(abandonDeadline(call({ introMs: 6_000, introEndedAt: T0 + 4_000 }))).toBe(T0 + 6_000);
    });

    it('never starts the clock before the answer', () => {
      expect(abandonDeadline(call({ introEndedAt: T0 - 5_000 }))).toBe(T0 + 2_000);
    });

    it('counts a customer who hangs up during the intro as abandoned', () => {
      expect(abandonVerdict(call({ introMs: 6_000, over: true }))).toBe('neverConnected');
    });
  });

  it('never bridged: abandoned once the call is over, not while it is still live', () => {
    expect(abandonVerdict(call({ over: true }))).toBe('neverConnected');
    expect(abandonVerdict(call({ over: false }))).toBe('waiting');
    expect(isAbandonedCall(call({ over: false }))).toBe(false);
  });

  it('an unanswered call is not a live answer and never abandoned', () => {
    expect(abandonVerdict(call({ answeredAt: null }))).toBe('notAnswered');
    expect(abandonDeadline(call({ answeredAt: null }))).toBeNull();
  });
});
