import type { AgentStatus } from '@autotelesale/contracts';
import { ForecastPacer, type AgentSnapshot } from '@autotelesale/pacing';
import { AgentStateFeed } from './agent-state-feed';
import { pacerFor } from './campaign-runner';

const T0 = Date.parse('2026-11-23T12:00:00.000Z');
const AGENT = '00000000-0000-4000-8000-000000000001';

function status(state: AgentStatus['state'], sinceMs: number, version: number, agentId = AGENT): AgentStatus {
  return {
    agentId,
    version,
    state,
    stateSince: new Date(T0 + sinceMs).toISOString(),
    sessionExtension: '3001',
    reasonCode: null,
    campaignId: null,
    reservationId: null,
    callId: null,
    reservationExpiresAt: null,
    wrapUpEndsAt: null,
  };
}

describe('AgentStateFeed', () => {
  it('reports a wrap-up that ended, timed by agent-service, when the next state is the very next change', () => {
    const feed = new AgentStateFeed();
    expect(feed.update([status('on_call', 0, 5)])).toEqual([]);
    expect(feed.update([status('wrap_up', 6_000, 6)])).toEqual([]);
    expect(feed.update([status('wrap_up', 6_000, 6)])).toEqual([]);
    expect(feed.update([status('ready', 7_250, 7)])).toEqual([
      { type: 'wrapEnded', at: (T0 + 7_250) / 1000, wrapSec: 1.25 },
    ]);
    expect(feed.update([status('ready', 7_250, 7)])).toEqual([]);
    expect(feed.counters).toEqual({ wrapsObserved: 1, wrapsSkipped: 0 });
  });

  it('skips a wrap-up whose end it did not see (two changes between reads), and late older reads', () => {
    const feed = new AgentStateFeed();
    feed.update([status('wrap_up', 0, 6)]);
    expect(feed.update([status('reserved', 900, 8)])).toEqual([]);
    expect(feed.counters.wrapsSkipped).toBe(1);
    feed.update([status('wrap_up', 10_000, 11)]);
    expect(feed.update([status('on_call', 900, 9)])).toEqual([]);
    expect(feed.update([status('not_ready', 12_000, 12)])).toEqual([
      { type: 'wrapEnded', at: (T0 + 12_000) / 1000, wrapSec: 2 },
    ]);
  });

  it('learns nothing from a profile change during the wrap-up', () => {
    const feed = new AgentStateFeed();
    feed.update([status('wrap_up', 0, 6)]);
    expect(feed.update([status('wrap_up', 0, 7)])).toEqual([]);
    expect(feed.update([status('ready', 3_000, 8)])).toEqual([
      { type: 'wrapEnded', at: (T0 + 3_000) / 1000, wrapSec: 3 },
    ]);
  });

  it('lets the forecast pacer dial ahead for agents about to finish their wrap-up', () => {
    const pacer = (): ForecastPacer => {
      const p = new ForecastPacer({
        rule: 'US',
        capPercent: 3,
        marginPercent: 0.3,
        graceSec: 2,
        noAnswerTimeoutSec: 25,
      });
      // A list and a team the pacer already knows: answers in about a second, 6 s talks.
      for (let i = 0; i < 400; i++) {
        const at = 1_000 + i;
        p.observe({ type: 'answered', at, ringSec: 0.6 + (i % 5) * 0.1, needsAgent: true });
        p.observe({ type: 'liveAnswered', at });
        p.observe({ type: 'connected', at, waitSec: 0.1 });
        p.observe({ type: 'noAnswer', at });
        p.observe({ type: 'talkEnded', at, talkSec: 5 + (i % 3) });
      }
      return p;
    };
    const withFeed = pacer();
    const without = pacer();
    // Agents wrap up in about a second and a half (the demo at time scale 0.1), as agent-service times it.
    const feed = new AgentStateFeed();
    const ids = Array.from({ length: 10 }, (_, i) => `00000000-0000-4000-8000-0000000000${10 + i}`);
    let at = 0;
    for (let round = 0; round < 30; round++) {
      feed.update(ids.map((id) => status('wrap_up', at, 2 * round + 1, id)));
      for (const e of feed.update(ids.map((id) => status('ready', at + 1_500, 2 * round + 2, id))))
        withFeed.observe(e);
      at += 10_000;
    }
    expect(feed.counters.wrapsObserved).toBe(300);
    expect(withFeed.wrap.mean).toBeCloseTo(1.5, 0);
    expect(without.wrap.mean).toBe(30);

    // Every agent 1 s into a wrap-up: only a pacer that knows wrap-ups are short dials now.
    const now = 2_000;
    const agents: AgentSnapshot[] = ids.map((id) => ({ id, state: 'wrapping', since: now - 1 }));
    expect(without.decide({ now, agents, calls: [] }).dials).toBe(0);
    expect(withFeed.decide({ now, agents, calls: [] }).dials).toBeGreaterThan(0);
  });
});

describe('pacerFor (predictive, forecast)', () => {
  it('learns talk times from the calls within a few of them, whatever the prior assumed', () => {
    const pacer = pacerFor({
      mode: 'predictive',
      pacing: {
        ratio: null,
        abandonRateCap: 0.03,
        abandonGraceSeconds: 2,
        ringTimeoutSeconds: 25,
        maxLinesPerAgent: 12,
      },
    } as unknown as Parameters<typeof pacerFor>[0]) as ForecastPacer;
    for (let i = 0; i < 60; i++) pacer.observe({ type: 'talkEnded', at: i, talkSec: 6 + (i % 3) });
    expect(pacer.talk.mean).toBeLessThan(7.5);
  });
});
