import { PacingError } from '../errors';
import type { AgentState, PacingEvent } from './campaign-snapshot';
import { ForecastPacer, type ForecastPacerOptions } from './forecast-pacer';
import { agentsInState, ringingCalls, snapshot } from './test-snapshots';

const OPTIONS: ForecastPacerOptions = {
  rule: 'US',
  capPercent: 3,
  marginPercent: 0.3,
  graceSec: 2,
  noAnswerTimeoutSec: 25,
  durationPriorMemory: 10,
};

/**
 * A morning of a campaign as the pacer hears it: 2,400 dials, a third of them answered by
 * people after 6-10 s who talk 60-120 s and wrap up 10 s, a handful abandoned.
 */
function morning(): PacingEvent[] {
  const events: PacingEvent[] = [];
  for (let i = 0; i < 2_400; i += 1) {
    const at = i * 3;
    if (i % 3 !== 0) {
      events.push({ type: 'noAnswer', at });
      continue;
    }
    events.push({ type: 'answered', at, ringSec: 6 + (i % 5), needsAgent: true });
    events.push({ type: 'liveAnswered', at });
    if (i % 97 === 0) events.push({ type: 'abandoned', at: at + 2 });
    else events.push({ type: 'connected', at: at + 0.2, waitSec: 0.2 });
    events.push({ type: 'talkEnded', at: at + 90, talkSec: 60 + (i % 61) });
    events.push({ type: 'wrapEnded', at: at + 100, wrapSec: 10 });
  }
  return events;
}

/** Ten agents: some ready, some talking for a while, a few calls ringing. */
function busyFloor(now: number) {
  const spec: [AgentState, number][] = [
    ['ready', 1],
    ['ready', 3],
    ['talking', 80],
    ['talking', 40],
    ['talking', 110],
    ['talking', 5],
    ['wrapping', 4],
    ['talking', 65],
    ['talking', 20],
    ['notReady', 100],
  ];
  return snapshot(now, agentsInState(now, spec), ringingCalls(now, [1, 4, 9]));
}

function learned(): ForecastPacer {
  const pacer = new ForecastPacer(OPTIONS);
  for (const e of morning()) pacer.observe(e);
  return pacer;
}

describe('ForecastPacer state (take-over without a cautious restart)', () => {
  it('a pacer that imports the state decides as the one that learned it, before and after more calls', () => {
    const original = learned();
    const restored = new ForecastPacer(OPTIONS);
    // Through JSON, as the dialer stores it.
    restored.importState(JSON.parse(JSON.stringify(original.exportState())));

    expect(restored.threshold).toBeCloseTo(original.threshold, 12);
    expect(restored.longWaitPrice).toBeCloseTo(original.longWaitPrice, 12);
    expect(restored.talk.mean).toBeCloseTo(original.talk.mean, 9);
    expect(restored.decide(busyFloor(2_000)).dials).toBe(original.decide(busyFloor(2_000)).dials);

    for (const e of morning()) {
      original.observe(e);
      restored.observe(e);
    }
    expect(restored.decide(busyFloor(4_000)).dials).toBe(original.decide(busyFloor(4_000)).dials);
    expect(restored.exportState()).toEqual(original.exportState());
  });

  it('a restored pacer keeps the pace it had learned where a fresh one starts cautiously', () => {
    const original = learned();
    const restored = new ForecastPacer(OPTIONS);
    restored.importState(original.exportState());
    const fresh = new ForecastPacer(OPTIONS);

    expect(original.threshold).toBeGreaterThan(fresh.threshold * 2);
    expect(restored.decide(busyFloor(2_000)).dials).toBeGreaterThan(fresh.decide(busyFloor(2_000)).dials);
  });

  it.each([
    ['the cap', { capPercent: 2 }, /capPercent/],
    ['the grace', { graceSec: 3 }, /graceSec/],
    ['the ring timeout', { noAnswerTimeoutSec: 30 }, /noAnswerTimeoutSec/],
    ['the rule', { rule: 'UK' as const }, /rule/],
  ])('a state saved under another %s is refused with a typed error', (_what, change, message) => {
    const state = learned().exportState();
    const other = new ForecastPacer({ ...OPTIONS, ...change });
    const before = other.exportState();
    let error: unknown;
    try {
      other.importState(state);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PacingError);
    expect((error as PacingError).code).toBe('PACING_INVALID_STATE');
    expect((error as PacingError).message).toMatch(message);
    expect(other.exportState()).toEqual(before);
  });

  const corrupt: Array<[string, (s: Record<string, unknown>) => unknown]> = [
    ['not an object', () => 'forecast'],
    ['another version', (s) => ({ ...s, version: 2 })],
    ['a missing integral', ({ integral: _dropped, ...rest }) => rest],
    [
      'a NaN in the talk estimate',
      (s) => ({ ...s, talk: { ...(s['talk'] as object), realSum: Number.NaN } }),
    ],
    ['a negative trial count', (s) => ({ ...s, needsAgent: { successes: 1, trials: -3 } })],
    [
      'a histogram of other bins',
      (s) => ({ ...s, answerDelay: { ...(s['answerDelay'] as object), counts: [1, 2, 3] } }),
    ],
    ['an unknown field', (s) => ({ ...s, extra: 1 })],
  ];
  it.each(corrupt)('%s is refused and leaves the pacer as it was', (_what, damage) => {
    const state = learned().exportState() as unknown as Record<string, unknown>;
    const pacer = new ForecastPacer(OPTIONS);
    const before = pacer.exportState();
    expect(() => pacer.importState(damage(state))).toThrow(PacingError);
    expect(pacer.exportState()).toEqual(before);
  });

  it('integrals beyond this pacer’s bounds are clamped, as if reached here', () => {
    const state = learned().exportState();
    const pacer = new ForecastPacer(OPTIONS);
    pacer.importState({ ...state, integral: 1e9 });
    expect(pacer.threshold).toBeCloseTo(1, 12);
    pacer.observe({ type: 'abandoned', at: 0 });
    expect(pacer.threshold).toBeLessThan(1);
  });
});
