import type { AgentAssignment } from './call-machine';

/**
 * Standby agents: a predictive campaign keeps a few of its ready agents reserved ahead, so
 * an answering customer is bridged the moment they answer instead of after a reservation
 * round trip (dialer -> agent-service -> PostgreSQL -> back) that a loaded stack stretches
 * to hundreds of milliseconds. The same reservation as any other (agent-service's
 * compare-and-set, its expiry, its confirm after the bridge), only asked for earlier.
 *
 * Safety rests on the reservation's expiry: an entry is used only while at least
 * `timeoutMs - usableForMs` of its life is left (its age is counted from before the
 * request went out, so the dialer's clock can only overstate it), which leaves the bridge
 * and its confirm as much time as a reservation made on the answer has. An unused entry is
 * handed back when it stops being usable; if the dialer dies, agent-service expires it.
 */
export interface StandbySettings {
  /** The reservation's own timeout (agent-service expires it unless confirmed). */
  reservationTimeoutMs: number;
  /** An entry is given to a call only this long after its request went out. */
  usableForMs: number;
  /**
   * Held agents cover the answers expected over at least this long; longer when the
   * reserve round trips are slower (twice their recent 90th percentile, at most half of
   * `usableForMs`): an agent asked for now arrives after that long.
   */
  horizonMs: number;
  /** Below this many live answers a second nothing is held: a reservation made on the answer is quick then. */
  minAnswersPerSecond: number;
  /** The answer rate is counted over this window. */
  rateWindowMs: number;
  /** At most this many agents held per campaign. */
  max: number;
}

export const STANDBY_DEFAULTS: StandbySettings = {
  reservationTimeoutMs: 6_000,
  usableForMs: 2_000,
  horizonMs: 500,
  minAnswersPerSecond: 1,
  rateWindowMs: 5_000,
  max: 200,
};

const ROUND_TRIPS_KEPT = 64;

export interface StandbyEntry {
  agent: AgentAssignment;
  /** Epoch ms just before the reserve request went out. */
  requestedAt: number;
}

/** What the pool wants now, from what the campaign's calls and agents look like. */
export interface StandbyDemand {
  /** Ready agents with a leg on the campaign's node, not held already. */
  readyAgents: number;
  /**
   * Answered customers waiting for an agent (the pool was empty when they answered): while
   * the pool is active they are served by its batches, one agent each on top of the target.
   */
  waitingCalls?: number;
}

/**
 * The pure part of a campaign's standby agents: which entries are held, how many more to
 * ask for, which one an answer gets and which are stale. No I/O: the dialer asks
 * agent-service for reservations and gives stale ones back.
 */
export class StandbyPool {
  private readonly settings: StandbySettings;
  /** Oldest first: an answer takes the one closest to its end of use. */
  private entries: StandbyEntry[] = [];
  private answers: number[] = [];
  /** Reserve requests out and not answered yet. */
  private pending = 0;
  /** The last reserve round trips (ms), for the horizon. */
  private roundTrips: number[] = [];
  /** `horizonMs()`: the setting until a round trip is known, then from the round trips. */
  private horizon: number;
  /** Since the pool began: answers bridged from a standby agent or not, entries handed back unused. */
  readonly counters = { taken: 0, missed: 0, handedBack: 0 };

  constructor(settings: Partial<StandbySettings> = {}) {
    this.settings = { ...STANDBY_DEFAULTS, ...settings };
    const s = this.settings;
    if (!(s.usableForMs > 0 && s.usableForMs < s.reservationTimeoutMs))
      throw new RangeError(`usableForMs must be in (0, reservationTimeoutMs), got ${s.usableForMs}`);
    if (!(s.max >= 0 && s.horizonMs >= 0 && s.rateWindowMs > 0))
      throw new RangeError('max, horizonMs and rateWindowMs must be >= 0 (rateWindowMs > 0)');
    this.horizon = s.horizonMs;
  }

  get reservationTimeoutMs(): number {
    return this.settings.reservationTimeoutMs;
  }

  get size(): number {
    return this.entries.length;
  }

  /** A live answer of the campaign (every one counts, whether a standby agent took it or not). */
  noteAnswer(at: number): void {
    this.answers.push(at);
    this.forgetAnswersBefore(at - this.settings.rateWindowMs);
  }

  /** A reserve request's round trip (whatever it returned). */
  noteRoundTrip(ms: number): void {
    this.roundTrips.push(Math.max(0, ms));
    if (this.roundTrips.length > ROUND_TRIPS_KEPT) this.roundTrips.shift();
    // Worked out here, once per batch, not on every answer that reads it.
    const s = this.settings;
    const sorted = [...this.roundTrips].sort((a, b) => a - b);
    const p90 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))]!;
    this.horizon = Math.min(s.usableForMs / 2, Math.max(s.horizonMs, 2 * p90));
  }

  /** How far ahead the pool holds agents for (see `horizonMs`). */
  horizonMs(): number {
    return this.horizon;
  }

  /** The answers expected over the next `horizonMs()`, at most `max`. */
  private answersAhead(now: number): number {
    return Math.min(this.settings.max, Math.ceil((this.answersPerSecond(now) * this.horizon) / 1000));
  }

  /**
   * Whether the campaign answers often enough to hold agents (`minAnswersPerSecond`): then
   * customers who answer when none is held wait for the pool's next batch (one transaction
   * for many) instead of each asking agent-service on their own.
   */
  active(now: number): boolean {
    return this.answersPerSecond(now) >= this.settings.minAnswersPerSecond;
  }

  answersPerSecond(now: number): number {
    this.forgetAnswersBefore(now - this.settings.rateWindowMs);
    return this.answers.length / (this.settings.rateWindowMs / 1000);
  }

  /**
   * How many agents to hold: the answers of the next `horizonMs`. Customers already waiting
   * do not lower it: the dialer hands a new standby agent to one of them at once.
   */
  target(now: number, demand: StandbyDemand): number {
    if (!this.active(now)) return 0;
    const wanted = this.answersAhead(now) + (demand.waitingCalls ?? 0);
    return Math.max(
      0,
      Math.min(this.settings.max, wanted, this.entries.length + this.pending + demand.readyAgents),
    );
  }

  /**
   * Whether the pool, with the requests out, has fallen below half of the answers of the
   * next `horizonMs`: then a refill is worth a batch before the next pacing tick (a tick can
   * take a few hundred milliseconds on a loaded stack, and a pool drained by answers until
   * then leaves the next customers waiting). Above half, refills wait for the tick, so
   * batches stay large (one transaction for many agents).
   */
  needsRefill(now: number): boolean {
    if (!this.active(now)) return false;
    return (this.entries.length + this.pending) * 2 < this.answersAhead(now);
  }

  /** Agents to ask for now, at most `max` (each one then ends with `added` or `requestFailed`). */
  requestsToSend(now: number, demand: StandbyDemand, max = Number.POSITIVE_INFINITY): number {
    const wanted = this.target(now, demand) - this.entries.length - this.pending;
    const n = Math.max(0, Math.min(wanted, demand.readyAgents, max));
    this.pending += n;
    return n;
  }

  /** A request came back with an agent: held, or returned as `stale` when it is already past use. */
  added(entry: StandbyEntry, now: number): 'held' | 'stale' {
    this.pending = Math.max(0, this.pending - 1);
    if (!this.usable(entry, now)) return 'stale';
    this.entries.push(entry);
    this.entries.sort((a, b) => a.requestedAt - b.requestedAt);
    return 'held';
  }

  /** A request came back without an agent, or failed. */
  requestFailed(): void {
    this.pending = Math.max(0, this.pending - 1);
  }

  /**
   * The entry an answer gets: the oldest still usable that `fits` (its leg is up on the
   * call's node). Entries passed over because they are past use or do not fit come back in
   * `handBack`: the caller releases them.
   */
  take(
    now: number,
    fits: (entry: StandbyEntry) => boolean,
  ): { entry?: StandbyEntry; handBack: StandbyEntry[] } {
    const handBack: StandbyEntry[] = [];
    while (this.entries.length > 0) {
      const entry = this.entries.shift()!;
      if (this.usable(entry, now) && fits(entry)) {
        this.counters.taken++;
        this.counters.handedBack += handBack.length;
        return { entry, handBack };
      }
      handBack.push(entry);
    }
    this.counters.missed++;
    this.counters.handedBack += handBack.length;
    return { handBack };
  }

  /** The held entry of one agent (a contact only that agent may take is about to be dialed). */
  takeAgent(agentId: string): StandbyEntry | undefined {
    const i = this.entries.findIndex((e) => e.agent.agentId === agentId);
    return i < 0 ? undefined : this.entries.splice(i, 1)[0];
  }

  /** Entries past use, removed: the caller releases them. */
  expire(now: number): StandbyEntry[] {
    const stale = this.entries.filter((e) => !this.usable(e, now));
    if (stale.length > 0) this.entries = this.entries.filter((e) => this.usable(e, now));
    this.counters.handedBack += stale.length;
    return stale;
  }

  /** Every entry, removed (the campaign stops here): the caller releases them. */
  drain(): StandbyEntry[] {
    const all = this.entries;
    this.entries = [];
    return all;
  }

  holds(reservationId: string | null | undefined): boolean {
    return reservationId != null && this.entries.some((e) => e.agent.reservationId === reservationId);
  }

  heldAgentIds(): Set<string> {
    return new Set(this.entries.map((e) => e.agent.agentId));
  }

  private usable(entry: StandbyEntry, now: number): boolean {
    return now - entry.requestedAt < this.settings.usableForMs;
  }

  private forgetAnswersBefore(cutoff: number): void {
    let i = 0;
    while (i < this.answers.length && this.answers[i]! < cutoff) i++;
    if (i > 0) this.answers.splice(0, i);
  }
}
