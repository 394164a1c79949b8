import fc from 'fast-check';
import { agent } from './call-machine.fixtures';
import { STANDBY_DEFAULTS, StandbyPool, type StandbyEntry } from './standby-pool';

// Defaults: 6 s reservations, usable for 2 s, a 500 ms horizon, nothing below 1 answer/s
// counted over 5 s, at most 200 held.
const NOW = 100_000;
const entry = (n: number, requestedAt: number): StandbyEntry => ({ agent: agent(n), requestedAt });
const ready = (readyAgents: number) => ({ readyAgents });

/** `count` answers spread over the second before `now` (all inside the 5 s window). */
function answers(pool: StandbyPool, count: number, now = NOW): void {
  for (let i = 0; i < count; i++) pool.noteAnswer(now - 1_000 + Math.floor((i * 1_000) / count));
}

/** A pool holding agents 1..n, requested at the given instants (each asked for, then added). */
function holding(requestedAt: number[], settings = {}): StandbyPool {
  const pool = new StandbyPool(settings);
  requestedAt.forEach((at, i) => expect(pool.added(entry(i + 1, at), NOW)).toBe('held'));
  return pool;
}

describe('refilling between ticks (needsRefill)', () => {
  it('asks for a batch once held and asked-for agents fall below half of the next horizon', () => {
    // 100 answers in the last 5 s: 20/s, 10 over the 500 ms horizon; half is 5.
    const pool = new StandbyPool();
    for (let i = 0; i < 100; i++) pool.noteAnswer(NOW - 4_900 + i * 49);
    expect(pool.needsRefill(NOW)).toBe(true);
    expect(pool.requestsToSend(NOW, ready(50))).toBe(10);
    expect(pool.needsRefill(NOW)).toBe(false); // 10 asked for
    for (let i = 1; i <= 10; i++) pool.added(entry(i, NOW), NOW);
    const fits = () => true;
    for (let i = 0; i < 5; i++) pool.take(NOW, fits);
    expect(pool.size).toBe(5);
    expect(pool.needsRefill(NOW)).toBe(false); // 5 of 10: not below half
    pool.take(NOW, fits);
    expect(pool.needsRefill(NOW)).toBe(true); // 4 of 10
  });

  it('never while the campaign answers too rarely to keep a pool', () => {
    const pool = new StandbyPool();
    answers(pool, 4); // 0.8/s
    expect(pool.needsRefill(NOW)).toBe(false);
  });
});

describe('how many agents a campaign holds (target)', () => {
  it('holds nobody below 1 answer a second: a reservation made on the answer is quick then', () => {
    const pool = new StandbyPool();
    answers(pool, 4); // 4 answers in 5 s: 0.8/s
    expect(pool.answersPerSecond(NOW)).toBeCloseTo(0.8);
    expect(pool.target(NOW, ready(50))).toBe(0);
    expect(pool.requestsToSend(NOW, ready(50))).toBe(0);
    pool.noteAnswer(NOW); // 1/s
    expect(pool.target(NOW, ready(50))).toBe(1);
  });

  it('adds one agent per customer already waiting while active, and none while not', () => {
    const idle = new StandbyPool();
    answers(idle, 4); // 0.8/s: not active, the waiting customers reserve on their own
    expect(idle.active(NOW)).toBe(false);
    expect(idle.target(NOW, { readyAgents: 50, waitingCalls: 3 })).toBe(0);
    const busy = new StandbyPool();
    answers(busy, 50); // 10/s over 500 ms: 5
    expect(busy.active(NOW)).toBe(true);
    expect(busy.target(NOW, { readyAgents: 50, waitingCalls: 3 })).toBe(8);
    expect(busy.requestsToSend(NOW, { readyAgents: 50, waitingCalls: 3 })).toBe(8);
    // Still capped by the agents ready to be held.
    expect(new StandbyPool().target(NOW, { readyAgents: 0, waitingCalls: 3 })).toBe(0);
    const few = new StandbyPool();
    answers(few, 50);
    expect(few.target(NOW, { readyAgents: 6, waitingCalls: 3 })).toBe(6);
  });

  it('holds the answers of the horizon, rounded up: ceil(rate x horizon)', () => {
    const pool = new StandbyPool();
    answers(pool, 5); // 1/s over 500 ms: 0.5, one agent
    expect(pool.target(NOW, ready(50))).toBe(1);
    answers(pool, 45); // 10/s: 5
    expect(pool.target(NOW, ready(50))).toBe(5);
    pool.noteAnswer(NOW); // 10.2/s: 5.1, six
    expect(pool.target(NOW, ready(50))).toBe(6);
  });

  it('never holds more than the ready agents (held and asked for count as theirs)', () => {
    const pool = new StandbyPool();
    answers(pool, 100); // 20/s: 10 wanted
    expect(pool.target(NOW, ready(3))).toBe(3);
    expect(pool.requestsToSend(NOW, ready(3))).toBe(3);
    // The three asked for are out: the target still counts them, and one more ready agent adds one.
    expect(pool.target(NOW, ready(1))).toBe(4);
    expect(pool.target(NOW, ready(0))).toBe(3);
  });

  it('never holds more than `max`', () => {
    const pool = new StandbyPool({ max: 4 });
    answers(pool, 100); // 10 wanted
    expect(pool.target(NOW, ready(50))).toBe(4);
    expect(pool.requestsToSend(NOW, ready(50))).toBe(4);
  });
});

describe('requestsToSend', () => {
  it('counts the requests still out, so a tick does not ask twice for the same answers', () => {
    const pool = new StandbyPool();
    answers(pool, 30); // 6/s: 3 wanted
    expect(pool.requestsToSend(NOW, ready(10))).toBe(3);
    expect(pool.requestsToSend(NOW, ready(10))).toBe(0);
    expect(pool.added(entry(1, NOW), NOW)).toBe('held');
    expect(pool.requestsToSend(NOW, ready(10))).toBe(0);
    // Two came back empty or failed: asked for again.
    pool.requestFailed();
    pool.requestFailed();
    expect(pool.requestsToSend(NOW, ready(10))).toBe(2);
  });

  it('sends at most `max` now and the rest on a later call', () => {
    const pool = new StandbyPool();
    answers(pool, 100); // 10 wanted
    expect(pool.requestsToSend(NOW, ready(50), 4)).toBe(4);
    expect(pool.requestsToSend(NOW, ready(50), 4)).toBe(4);
    expect(pool.requestsToSend(NOW, ready(50), 4)).toBe(2);
    expect(pool.requestsToSend(NOW, ready(50), 4)).toBe(0);
  });

  it('asks for no more than the free ready agents', () => {
    const pool = new StandbyPool();
    answers(pool, 100);
    expect(pool.requestsToSend(NOW, ready(2))).toBe(2);
    expect(pool.requestsToSend(NOW, ready(0))).toBe(0);
  });
});

describe('added', () => {
  it('holds an entry younger than usableForMs and refuses one of that age or older as stale', () => {
    const pool = new StandbyPool();
    expect(pool.added(entry(1, NOW - 1_999), NOW)).toBe('held');
    expect(pool.added(entry(2, NOW - 2_000), NOW)).toBe('stale');
    expect(pool.added(entry(3, NOW - 5_000), NOW)).toBe('stale');
    expect(pool.size).toBe(1);
    expect(pool.holds('res-2')).toBe(false);
  });

  it('a stale reply still ends its request: the agent is asked for again', () => {
    const pool = new StandbyPool();
    answers(pool, 5); // one wanted
    expect(pool.requestsToSend(NOW, ready(5))).toBe(1);
    expect(pool.added(entry(1, NOW - 2_500), NOW)).toBe('stale');
    expect(pool.requestsToSend(NOW, ready(5))).toBe(1);
  });
});

describe('take', () => {
  it('gives the oldest usable entry that fits, hands back the stale and unfitting ones passed over, keeps the rest', () => {
    // Agents requested 1.9 s (2), 1.5 s (3), 1 s (1), 0.9 s (4) and 0.5 s (5) ago, added out of order.
    const pool = new StandbyPool();
    for (const [n, age] of [
      [3, 1_500],
      [1, 1_000],
      [5, 500],
      [2, 1_900],
      [4, 900],
    ] as const)
      pool.added(entry(n, NOW - age), NOW);
    const later = NOW + 600; // agent-3's entry (then 2.1 s old) and agent-2's (2.5 s) are past use
    const { entry: taken, handBack } = pool.take(later, (e) => e.agent.agentId !== 'agent-1');
    expect(taken?.agent.agentId).toBe('agent-4');
    expect(handBack.map((e) => e.agent.agentId)).toEqual(['agent-2', 'agent-3', 'agent-1']);
    expect([...pool.heldAgentIds()]).toEqual(['agent-5']);
    expect(pool.counters).toEqual({ taken: 1, missed: 0, handedBack: 3 });
  });

  it('gives nothing when no entry fits, hands every one back, and counts the miss', () => {
    const pool = holding([NOW - 100, NOW - 200]);
    const { entry: taken, handBack } = pool.take(NOW, () => false);
    expect(taken).toBeUndefined();
    expect(handBack).toHaveLength(2);
    expect(pool.size).toBe(0);
    expect(pool.counters).toEqual({ taken: 0, missed: 1, handedBack: 2 });
    expect(pool.take(NOW, () => true)).toEqual({ handBack: [] });
    expect(pool.counters.missed).toBe(2);
  });
});

describe('expire', () => {
  it('removes exactly the entries past use (counted as handed back) and keeps the others', () => {
    const pool = holding([NOW - 1_500, NOW - 400, NOW - 1_000]);
    expect(pool.expire(NOW + 499)).toEqual([]);
    const stale = pool.expire(NOW + 1_000); // ages 2.5 s, 1.4 s, 2 s
    expect(stale.map((e) => e.agent.agentId).sort()).toEqual(['agent-1', 'agent-3']);
    expect([...pool.heldAgentIds()]).toEqual(['agent-2']);
    expect(pool.counters.handedBack).toBe(2);
  });
});

describe('one agent, and the whole pool', () => {
  it('takeAgent removes only that agent (their own contact is dialed) and is undefined for one not held', () => {
    const pool = holding([NOW - 300, NOW - 200, NOW - 100]);
    expect(pool.takeAgent('agent-2')?.agent).toEqual(agent(2));
    expect(pool.takeAgent('agent-2')).toBeUndefined();
    expect(pool.takeAgent('agent-9')).toBeUndefined();
    expect([...pool.heldAgentIds()].sort()).toEqual(['agent-1', 'agent-3']);
    expect(pool.holds('res-2')).toBe(false);
  });

  it('holds tells a held reservation from anything else', () => {
    const pool = holding([NOW - 100]);
    expect(pool.holds('res-1')).toBe(true);
    expect(pool.holds('res-2')).toBe(false);
    expect(pool.holds(null)).toBe(false);
    expect(pool.holds(undefined)).toBe(false);
    pool.take(NOW, () => true);
    expect(pool.holds('res-1')).toBe(false);
  });

  it('drain gives every entry back once and leaves the pool empty', () => {
    const pool = holding([NOW - 100, NOW - 1_500]);
    const all = pool.drain();
    expect(all.map((e) => e.agent.agentId).sort()).toEqual(['agent-1', 'agent-2']);
    expect(pool.size).toBe(0);
    expect(pool.heldAgentIds().size).toBe(0);
    expect(pool.drain()).toEqual([]);
  });
});

describe('horizon', () => {
  const trips = (pool: StandbyPool, ms: number, count: number) => {
    for (let i = 0; i < count; i++) pool.noteRoundTrip(ms);
  };

  it('is the configured horizon until round trips are seen, and when they are quick', () => {
    const pool = new StandbyPool();
    expect(pool.horizonMs()).toBe(STANDBY_DEFAULTS.horizonMs);
    trips(pool, 100, 20); // 2 x 100 < 500
    expect(pool.horizonMs()).toBe(500);
  });

  it('grows to twice the 90th percentile of the round trips, ignoring the slowest tenth', () => {
    const pool = new StandbyPool();
    trips(pool, 400, 60);
    expect(pool.horizonMs()).toBe(800);
    trips(pool, 5_000, 4); // 4 of 64 slow: beyond the 90th percentile
    expect(pool.horizonMs()).toBe(800);
  });

  it('is capped at half of usableForMs, so an agent arrives with half its use left', () => {
    const pool = new StandbyPool();
    trips(pool, 3_000, 10);
    expect(pool.horizonMs()).toBe(1_000);
    const longer = new StandbyPool({ usableForMs: 3_000 });
    trips(longer, 3_000, 10);
    expect(longer.horizonMs()).toBe(1_500);
  });

  it('follows the recent round trips: slow ones from long ago are forgotten', () => {
    const pool = new StandbyPool();
    trips(pool, 450, 64);
    expect(pool.horizonMs()).toBe(900);
    trips(pool, 300, 64);
    expect(pool.horizonMs()).toBe(600);
  });

  it('a longer horizon holds more agents for the same answer rate', () => {
    const pool = new StandbyPool();
    answers(pool, 50); // 10/s
    expect(pool.target(NOW, ready(50))).toBe(5);
    trips(pool, 450, 10); // horizon 900 ms
    expect(pool.target(NOW, ready(50))).toBe(9);
  });
});

describe('the answer rate', () => {
  it('counts only the answers of the last rateWindowMs', () => {
    const pool = new StandbyPool();
    for (let at = NOW - 9_000; at < NOW - 5_000; at += 100) pool.noteAnswer(at); // 40 old answers
    for (let at = NOW - 5_000; at < NOW; at += 1_000) pool.noteAnswer(at); // 5 in the window (its first edge included)
    expect(pool.answersPerSecond(NOW)).toBe(1);
    expect(pool.answersPerSecond(NOW + 1)).toBeCloseTo(0.8);
    expect(pool.target(NOW + 5_000, ready(50))).toBe(0);
  });
});

describe('settings', () => {
  it('refuses a usable time as long as the reservation itself (nothing would be left for the bridge)', () => {
    expect(() => new StandbyPool({ usableForMs: 6_000 })).toThrow(RangeError);
    expect(() => new StandbyPool({ usableForMs: 7_000 })).toThrow(RangeError);
    expect(() => new StandbyPool({ usableForMs: 1_000, reservationTimeoutMs: 1_000 })).toThrow(RangeError);
    expect(() => new StandbyPool({ usableForMs: 0 })).toThrow(RangeError);
    expect(new StandbyPool({ usableForMs: 5_999 }).reservationTimeoutMs).toBe(6_000);
  });

  it('refuses a negative max or horizon and an empty rate window', () => {
    expect(() => new StandbyPool({ max: -1 })).toThrow(RangeError);
    expect(() => new StandbyPool({ horizonMs: -1 })).toThrow(RangeError);
    expect(() => new StandbyPool({ rateWindowMs: 0 })).toThrow(RangeError);
  });

  it('defaults leave a used reservation at least 4 s of its 6 for the bridge and its confirm', () => {
    expect(STANDBY_DEFAULTS.reservationTimeoutMs - STANDBY_DEFAULTS.usableForMs).toBeGreaterThanOrEqual(
      4_000,
    );
  });
});

describe('whatever happens, no entry past use and no entry twice', () => {
  type Op =
    | { op: 'add'; age: number }
    | { op: 'take'; fitsEvery: number }
    | { op: 'expire' }
    | { op: 'takeAgent'; n: number }
    | { op: 'wait'; ms: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constant('add' as const), age: fc.integer({ min: 0, max: 3_000 }) }),
    fc.record({ op: fc.constant('take' as const), fitsEvery: fc.integer({ min: 1, max: 3 }) }),
    fc.record({ op: fc.constant('expire' as const) }),
    fc.record({ op: fc.constant('takeAgent' as const), n: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 1_500 }) }),
  );

  it('hands out only usable entries, each at most once, and every held entry leaves exactly once', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const pool = new StandbyPool();
        let now = NOW;
        let n = 0;
        const held = new Set<string>();
        const out: string[] = []; // every entry that left the pool, however
        let taken = 0;
        let handedBack = 0;
        for (const o of ops) {
          switch (o.op) {
            case 'add': {
              const e = entry(++n, now - o.age);
              const result = pool.added(e, now);
              expect(result).toBe(o.age < 2_000 ? 'held' : 'stale');
              if (result === 'held') held.add(e.agent.reservationId);
              break;
            }
            case 'take': {
              // Only some agents have their leg up on the call's node.
              const fits = (e: StandbyEntry) => Number(e.agent.agentId.slice(6)) % o.fitsEvery === 0;
              const t = pool.take(now, fits);
              if (t.entry) {
                expect(now - t.entry.requestedAt).toBeLessThan(2_000);
                expect(fits(t.entry)).toBe(true);
                out.push(t.entry.agent.reservationId);
                taken++;
              }
              out.push(...t.handBack.map((e) => e.agent.reservationId));
              handedBack += t.handBack.length;
              break;
            }
            case 'expire': {
              const stale = pool.expire(now);
              for (const e of stale) expect(now - e.requestedAt).toBeGreaterThanOrEqual(2_000);
              out.push(...stale.map((e) => e.agent.reservationId));
              handedBack += stale.length;
              break;
            }
            case 'takeAgent': {
              const e = pool.takeAgent(`agent-${o.n}`);
              if (e) out.push(e.agent.reservationId);
              break;
            }
            case 'wait':
              now += o.ms;
          }
          expect(pool.size).toBe(held.size - out.length);
        }
        out.push(...pool.drain().map((e) => e.agent.reservationId));
        expect(new Set(out).size).toBe(out.length);
        expect(new Set(out)).toEqual(held);
        expect(pool.counters.taken).toBe(taken);
        expect(pool.counters.handedBack).toBe(handedBack);
      }),
      { numRuns: 500 },
    );
  });
});
