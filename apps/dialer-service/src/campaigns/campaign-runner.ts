import type { Logger } from '@nestjs/common';
import {
  abandonMinutesRpc,
  campaignRpcs,
  releaseReservationRpc,
  reserveAgentRpc,
  type AgentStatus,
  type Campaign,
  type LeasedContact,
} from '@autotelesale/contracts';
import type { NatsBus } from '@autotelesale/messaging';
import {
  AgentFirstPacer,
  ForecastPacer,
  RatioPacer,
  type AgentSnapshot,
  type CallSnapshot,
  type Pacer,
} from '@autotelesale/pacing';
import type { AgentLegsService } from '../agents/agent-legs.service';
import { CampaignAgents } from '../agents/campaign-agents';
import type { CallDriverService, CallFact } from '../calls/call-driver.service';
import type { LiveCall } from '../calls/live-call';
import { reserveCandidates } from '../calls/reserve-candidates';
import { clearedToDial } from '../compliance/clear-to-dial';
import {
  AbandonWindowCounter,
  abandonThrottle,
  type ThrottleDecision,
} from '@autotelesale/compliance-domain';
import { withSpan } from '@autotelesale/telemetry';
import {
  EmptyQueueBackoff,
  IDENTIFICATION_MESSAGE_LEAD_MS,
  routeAgentOf,
  type StandbyPool,
  type AgentAssignment,
} from '@autotelesale/dialer-domain';
import { seedAbandonWindow, throttledDials } from './abandon-pace';
import { AgentStateFeed } from './agent-state-feed';
import type { PacerStateStore } from './pacer-state-store';

export interface CampaignRunnerDeps {
  bus: NatsBus;
  calls: CallDriverService;
  agentLegs: AgentLegsService;
  dialerId: string;
  logger: Logger;
  tickMs: number;
  /** Where the pacer's learned state is kept for the next owner (absent: every start is cautious). */
  pacerStates?: PacerStateStore;
}

/** At most this many calls started per tick, so one tick never floods a node. */
const MAX_DIALS_PER_TICK = 50;
const LEASE_SECONDS = 300;
const RENEW_EVERY_MS = 60_000;
/** The abandon rate is watched over the last 24 hours (the UK rule's window; the US one is 30 days). */
const ABANDON_WINDOW_MS = 24 * 3_600_000;
/** How often a campaign's pacing summary is logged (what the pacer saw, decided and learned). */
const SUMMARY_EVERY_MS = 10_000;
/** Talks (and wrap-ups) over which the pacer's duration priors fade. */
export const DURATION_PRIOR_MEMORY = 10;

const AGENT_STATE: Record<AgentStatus['state'], AgentSnapshot['state']> = {
  logged_out: 'notReady',
  not_ready: 'notReady',
  ready: 'ready',
  reserved: 'reserved',
  on_call: 'talking',
  wrap_up: 'wrapping',
};

export function pacerFor(campaign: Campaign): Pacer {
  switch (campaign.mode) {
    case 'predictive':
      if (campaign.pacing.ratio !== null) return new RatioPacer(campaign.pacing.ratio);
      return new ForecastPacer({
        rule: 'US',
        capPercent: campaign.pacing.abandonRateCap * 100,
        marginPercent: Math.min(0.5, campaign.pacing.abandonRateCap * 100 * 0.1),
        // What a waiting customer really gets: the identification message starts this lead
        // before the grace ends, so an agent who frees up later than that is too late.
        graceSec: Math.max(0, campaign.pacing.abandonGraceSeconds - IDENTIFICATION_MESSAGE_LEAD_MS / 1000),
        noAnswerTimeoutSec: campaign.pacing.ringTimeoutSeconds,
        maxLinesPerAgent: campaign.pacing.maxLinesPerAgent,
        // The forecast of when agents free up is the observed talks' and wrap-ups' after a
        // few calls, not the 180 s / 30 s priors' for hundreds: right in any clock the world
        // runs (a time-scaled fs-sim talks about 7 s).
        durationPriorMemory: DURATION_PRIOR_MEMORY,
      });
    default:
      return new AgentFirstPacer('progressive');
  }
}

/**
 * Paces one campaign this replica owns: every tick it reads the agents' live states
 * (agent-service), keeps their nailed-up legs on the campaign's node, asks the pacer
 * (libs/pacing, the very code the simulator runs) how many calls to start, leases that
 * many contacts and dials them. Progressive reserves an agent before each dial (nobody
 * is ever abandoned); predictive dials first and reserves on answer. With no ready agent
 * both decide 0 dials: dialing pauses by itself and resumes when an agent frees up.
 */
export class CampaignRunner {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;
  /** The campaign's pacer (libs/pacing): read by the pacing summary and tests. */
  readonly pacer: Pacer;
  private lastRenewal = Date.now();
  /** Agent-first modes: how long to leave the agents alone after a lease found nothing due. */
  private readonly emptyQueue = new EmptyQueueBackoff();
  /** Contacts leased, dials started; for the status operation and tests. */
  readonly counters = { dialed: 0, ticks: 0, leaseShortfalls: 0, throttledTicks: 0, paceRestored: false };
  /** Live answers and abandons of the window: the campaign slows as its rate nears the cap, and stops at it. */
  private readonly abandons = new AbandonWindowCounter(ABANDON_WINDOW_MS);
  private dialCredit = 0;
  /** The seeding of the abandon window; no tick paces before it is done. */
  private seeding: Promise<void> = Promise.resolve();
  private throttleState: ThrottleDecision['state'] = 'normal';
  /** Wrap-ups as agent-service times them, for the forecast of when busy agents free up. */
  readonly agentFeed = new AgentStateFeed();
  /** Leased contacts whose dial clearance is awaited (id -> when leased), counted as ringing calls. */
  private readonly pendingDials = new Map<string, number>();
  /** The agents' live states, followed by deltas (one read per tick). */
  private readonly agentReader: CampaignAgents;
  /** Sums since the last pacing summary (the log line that shows why agents wait, or not). */
  private summary = newSummary(Date.now());

  constructor(
    public campaign: Campaign,
    readonly nodeId: string,
    private readonly deps: CampaignRunnerDeps,
  ) {
    this.pacer = pacerFor(campaign);
    this.agentReader = new CampaignAgents(deps.bus);
    deps.calls.onFacts(campaign.id, (fact) => this.observe(fact));
  }

  start(): void {
    this.seeding = Promise.all([this.seedAbandons(), this.restorePace()]).then(() => undefined);
    this.timer = setInterval(() => void this.tick(), this.deps.tickMs);
  }

  /**
   * The abandon window of the last 24 h from reporting-service, before the first dial: a
   * replica that starts or takes over a campaign paces as if it had seen the calls made
   * before (`seedAbandonWindow` says why from reporting). If reporting does not answer,
   * the campaign paces on what this replica sees, and says so.
   */
  private async seedAbandons(): Promise<void> {
    try {
      const reply = await this.deps.bus.request(
        abandonMinutesRpc,
        { campaignId: this.campaign.id, windowSeconds: ABANDON_WINDOW_MS / 1000 },
        { timeoutMs: 3_000 },
      );
      const seeded = seedAbandonWindow(this.abandons, reply.minutes, Date.now());
      this.deps.logger.log({ msg: 'abandon window seeded', campaignId: this.campaign.id, facts: seeded });
    } catch (error) {
      this.deps.logger.warn({
        msg: 'abandon window not seeded: reporting did not answer',
        campaignId: this.campaign.id,
        error: String(error),
      });
    }
  }

  /** Stops starting calls; live calls go on to their end. */
  /**
   * Stops starting calls; live calls go on to their end. `handOver`: this replica still
   * owns the campaign and gives it up (drain, campaign stopped), so it saves the pace it
   * learned for the next owner; a runner whose campaign was taken from it does not write.
   */
  async stop(options: { handOver?: boolean } = {}): Promise<void> {
    const wasRunning = !this.stopped;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.deps.calls.onFacts(this.campaign.id, undefined);
    this.deps.calls.setReserveCandidates(this.campaign.id, undefined);
    await this.deps.calls.dropStandby(this.campaign.id);
    if (options.handOver && wasRunning) await this.savePace();
  }

  /**
   * The pace the previous owner reached (PacerStateStore): a replica that starts or takes
   * the campaign over goes on from it instead of starting cautiously. A state saved under
   * other pacing settings, or unreadable, is refused by the pacer: it starts afresh, and
   * says why.
   */
  private async restorePace(): Promise<void> {
    const store = this.deps.pacerStates;
    if (!store || !this.pacer.importState) return;
    const c = this.campaign;
    try {
      const loaded = await store.load(c.id);
      if (!loaded.found) {
        if (loaded.reason === 'unreadable')
          this.deps.logger.warn({
            msg: 'pacer starts afresh: saved state unreadable',
            campaignId: c.id,
            detail: loaded.detail,
          });
        return;
      }
      this.pacer.importState(loaded.saved.state);
      this.counters.paceRestored = true;
      this.deps.logger.log({
        msg: 'pacer state restored',
        campaignId: c.id,
        savedBy: loaded.saved.dialerId,
        ageSeconds: Math.round((Date.now() - loaded.saved.savedAt) / 1000),
        ...(this.pacer instanceof ForecastPacer
          ? { threshold: Number(this.pacer.threshold.toFixed(4)) }
          : {}),
      });
    } catch (error) {
      this.deps.logger.warn({ msg: 'pacer starts afresh', campaignId: c.id, reason: String(error) });
    }
  }

  /** Saves what the pacer has learned (every pacing summary, and on hand-over). */
  private async savePace(): Promise<void> {
    const store = this.deps.pacerStates;
    if (!store || !this.pacer.exportState) return;
    try {
      await store.save(this.campaign.id, this.pacer.exportState());
    } catch (error) {
      this.deps.logger.warn({
        msg: 'pacer state not saved',
        campaignId: this.campaign.id,
        error: String(error),
      });
    }
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      await this.seeding;
      // One trace per pacing decision: the leases, dials and every effect of the calls it starts.
      const started = Date.now();
      await withSpan('dialer', 'pacing tick', { 'ats.campaign.id': this.campaign.id }, () => this.paceOnce());
      this.summary.tickMs += Date.now() - started;
      await this.renewLeases();
      this.logSummary();
    } catch (error) {
      this.deps.logger.warn({
        msg: 'pacing tick failed',
        campaignId: this.campaign.id,
        error: String(error),
      });
    } finally {
      this.running = false;
    }
  }

  private async paceOnce(): Promise<void> {
    this.counters.ticks++;
    const { agentLegs, calls } = this.deps;
    const c = this.campaign;
    const readStarted = Date.now();
    const statuses = await this.readAgents();
    this.summary.readMs += Date.now() - readStarted;
    agentLegs.sync(statuses, this.nodeId);
    if (this.stopped) return;
    const now = Date.now();
    const standbyIds = new Set<string>();
    const agents: AgentSnapshot[] = statuses.map((a) => {
      const reachable = agentLegs.legUpOn(a.agentId, this.nodeId) !== undefined;
      // An agent held here as a standby (reserved ahead of the answers) is ready for the pacer.
      const standby = a.state === 'reserved' && reachable && calls.holdsStandby(c.id, a.reservationId);
      if (standby) standbyIds.add(a.agentId);
      // An agent without a parked leg here cannot take a call in milliseconds: not ready for us.
      const state = standby ? 'ready' : a.state === 'ready' && !reachable ? 'notReady' : AGENT_STATE[a.state];
      return { id: a.agentId, state, since: Date.parse(a.stateSince) / 1000 };
    });
    const candidates = reserveCandidates(agents.filter((a) => !standbyIds.has(a.id)));
    calls.setReserveCandidates(c.id, candidates);
    if (c.mode === 'predictive') calls.keepStandby(c, this.nodeId, now);
    const live = calls.liveCalls(c.id);
    const snapshotCalls: CallSnapshot[] = [];
    for (const call of live) {
      const snapshot = callSnapshot(call.state, now);
      if (snapshot) snapshotCalls.push(snapshot);
    }
    // Leased contacts still being cleared are calls about to ring (dialPredictive).
    for (const [id, since] of this.pendingDials)
      snapshotCalls.push({ id, state: 'ringing', dialedAt: since / 1000 });
    const decision = this.pacer.decide({ now: now / 1000, agents, calls: snapshotCalls });
    let dials = Math.min(decision.dials, MAX_DIALS_PER_TICK);
    if (c.mode === 'predictive')
      dials = this.throttleForAbandons(
        dials,
        now,
        agents.filter((a) => a.state === 'ready').length,
        snapshotCalls.length,
      );
    const sum = this.summary;
    sum.ticks++;
    sum.ready += agents.filter((a) => a.state === 'ready').length;
    sum.working += agents.filter((a) => a.state !== 'notReady').length;
    sum.inFlight += snapshotCalls.length;
    sum.decided += dials;
    if (dials === 0 && agents.some((a) => a.state === 'ready') && snapshotCalls.length === 0) sum.idleTicks++;
    if (dials <= 0) return;
    if (c.mode === 'predictive') await this.dialPredictive(dials, agents);
    else await this.dialAgentFirst(dials);
  }

  /**
   * The campaign's agents' live states (`CampaignAgents`: deltas, a full read every few
   * seconds). Wrap-ups are learnt from the changes only; the legs are kept for every agent
   * on every tick (a leg that dropped is called again even when its agent's state did not change).
   */
  private async readAgents(): Promise<readonly AgentStatus[]> {
    const { all, changed } = await this.agentReader.read(this.campaign);
    for (const event of this.agentFeed.update(changed)) this.pacer.observe(event);
    return all;
  }

  /**
   * Scales the pacer's dials by the abandon throttle (fractions carried over, so a slowed
   * campaign still dials); at the cap only calls that cannot abandon anyone (one per ready
   * agent no call is heading for), never a stall with agents ready (`throttledDials`).
   */
  private throttleForAbandons(
    dials: number,
    now: number,
    readyAgents: number,
    callsInFlight: number,
  ): number {
    const c = this.campaign;
    const window = this.abandons.window(now, c.compliance?.amd.falsePositiveRate ?? 0);
    const throttle = abandonThrottle(window, c.pacing.abandonRateCap);
    if (throttle.state !== this.throttleState) {
      this.deps.logger.log({
        msg: 'abandon throttle',
        campaignId: c.id,
        state: throttle.state,
        rate: Number(throttle.rate.toFixed(4)),
        cap: c.pacing.abandonRateCap,
      });
      this.throttleState = throttle.state;
    }
    if (throttle.state !== 'normal') this.counters.throttledTicks++;
    const result = throttledDials(dials, throttle, this.dialCredit, readyAgents, callsInFlight);
    this.dialCredit = result.credit;
    return result.dials;
  }

  /**
   * Leases the contacts, then clears and dials each as its clearance arrives, without
   * holding the tick: waiting for the slowest of up to 50 clearances made a tick last
   * 500-650 ms under load (bench, 100 attempts/s), so the campaign paced 1.5 times a
   * second in bursts of 50 dials (and 50 answers, and 50 reserves). The contacts still
   * being cleared count as calls ringing in the next decisions (`pendingDials`), so no
   * tick dials for agents that a cleared-but-not-yet-dialed call will need.
   */
  private async dialPredictive(dials: number, agents: AgentSnapshot[]): Promise<void> {
    const leaseStarted = Date.now();
    const reply = await this.deps.bus.request(campaignRpcs.leaseContacts, {
      campaignId: this.campaign.id,
      dialerId: this.deps.dialerId,
      count: dials,
      leaseSeconds: LEASE_SECONDS,
      agentIds: agents.filter((a) => a.state === 'ready').map((a) => a.id),
    });
    this.summary.leaseMs += Date.now() - leaseStarted;
    this.summary.leases++;
    if (reply.contacts.length < dials) this.counters.leaseShortfalls++;
    for (const contact of reply.contacts) {
      const id = `pending-${contact.attemptId}`;
      this.pendingDials.set(id, Date.now());
      // Compliance right before the originate: every rule again at this instant (issue 8).
      // Nothing awaits it: a failed request (a lease or reservation not released) is logged
      // here, never an unhandled rejection; the lease then expires by itself.
      void this.clearThenDial(contact)
        .catch((error: unknown) =>
          this.deps.logger.warn({
            msg: 'dial not started',
            campaignId: this.campaign.id,
            attemptId: contact.attemptId,
            error: String(error),
          }),
        )
        .finally(() => this.pendingDials.delete(id));
    }
  }

  private async clearThenDial(contact: LeasedContact): Promise<void> {
    if (this.stopped) return this.releaseLeases([contact.attemptId]);
    // A contact only its own agent may take (their callback, a split list) is dialed agent
    // first: bridging it to whoever is free on the answer would give the customer someone else.
    const owner = routeAgentOf(contact);
    const agent = owner === null ? undefined : await this.reserveOwner(owner);
    if (agent === null) return this.releaseLeases([contact.attemptId], 'its agent is not free');
    const cleared = await clearedToDial(this.deps.bus, this.deps.dialerId, contact, this.deps.logger);
    if (this.stopped || !cleared) {
      if (agent) await this.deps.bus.request(releaseReservationRpc, { reservationId: agent.reservationId });
      if (this.stopped && cleared) await this.releaseLeases([contact.attemptId]);
      return;
    }
    this.counters.dialed++;
    void this.deps.calls.dial(this.campaign, contact, this.nodeId, agent);
  }

  /**
   * An agent reserved before the dial, with their leg on this campaign's node, held
   * through the ring time (released at once if the customer does not answer): `noAgent`
   * when none of the eligible is free, `elsewhere` when the one reserved has no leg here
   * (the reservation went straight back).
   */
  private async reserveBeforeDial(
    eligibleAgentIds: string[],
    eligibleGroupIds: string[],
  ): Promise<{ outcome: 'reserved'; agent: AgentAssignment } | { outcome: 'noAgent' | 'elsewhere' }> {
    const c = this.campaign;
    const reserved = await this.deps.bus.request(reserveAgentRpc, {
      campaignId: c.id,
      eligibleAgentIds,
      eligibleGroupIds,
      timeoutMs: Math.min(600_000, (c.pacing.ringTimeoutSeconds + 15) * 1000),
    });
    if (reserved.outcome !== 'reserved') return { outcome: 'noAgent' };
    const r = reserved.reservation;
    const leg = this.deps.agentLegs.legUpOn(r.agentId, this.nodeId);
    if (!leg) {
      await this.deps.bus.request(releaseReservationRpc, { reservationId: r.reservationId });
      return { outcome: 'elsewhere' };
    }
    return {
      outcome: 'reserved',
      agent: {
        agentId: r.agentId,
        extension: r.extension,
        reservationId: r.reservationId,
        agentLegUuid: leg.uuid,
      },
    };
  }

  /** The contact's own agent reserved (reserveBeforeDial), or null when they are not free here. */
  private async reserveOwner(agentId: string): Promise<AgentAssignment | null> {
    // Held here as a standby (a reservation too short for a ring): handed back, then reserved for the ring.
    await this.deps.calls.releaseStandbyAgent(this.campaign.id, agentId);
    const reserved = await this.reserveBeforeDial([agentId], []);
    return reserved.outcome === 'reserved' ? reserved.agent : null;
  }

  /** Progressive: an agent is reserved (with its leg) before each dial, then one contact leased for it. */
  private async dialAgentFirst(dials: number): Promise<void> {
    const { bus } = this.deps;
    const c = this.campaign;
    for (let i = 0; i < dials && !this.stopped && this.emptyQueue.mayTry(Date.now()); i++) {
      const reserved = await this.reserveBeforeDial(
        c.agents.map((a) => a.agentId),
        c.agentGroupId ? [c.agentGroupId] : [],
      );
      if (reserved.outcome !== 'reserved') {
        if (reserved.outcome === 'noAgent') return;
        continue; // reserved an agent whose leg is not here: try the next
      }
      const agent = reserved.agent;
      const lease = await bus.request(campaignRpcs.leaseContacts, {
        campaignId: c.id,
        dialerId: this.deps.dialerId,
        count: 1,
        leaseSeconds: LEASE_SECONDS,
        agentIds: [agent.agentId],
      });
      const contact = lease.contacts[0];
      if (!contact) {
        this.counters.leaseShortfalls++;
        // Nothing due: no agent reserved and given back on every tick until something is.
        this.emptyQueue.foundNothing(Date.now());
        await bus.request(releaseReservationRpc, { reservationId: agent.reservationId });
        return;
      }
      this.emptyQueue.foundContact();
      if (!(await clearedToDial(bus, this.deps.dialerId, contact, this.deps.logger))) {
        await bus.request(releaseReservationRpc, { reservationId: agent.reservationId });
        continue;
      }
      this.counters.dialed++;
      void this.deps.calls.dial(c, contact, this.nodeId, agent);
    }
  }

  /** Live calls outlast a lease: renew theirs so a talking contact is never leased again. */
  private async renewLeases(): Promise<void> {
    if (Date.now() - this.lastRenewal < RENEW_EVERY_MS) return;
    this.lastRenewal = Date.now();
    const ids = this.deps.calls.liveCalls(this.campaign.id).map((c) => c.contact.attemptId);
    for (let i = 0; i < ids.length; i += 500) {
      await this.deps.bus.request(campaignRpcs.renewLease, {
        dialerId: this.deps.dialerId,
        attemptIds: ids.slice(i, i + 500),
        leaseSeconds: LEASE_SECONDS,
      });
    }
  }

  private async releaseLeases(attemptIds: string[], reason = 'dialer stopping'): Promise<void> {
    await this.deps.bus.request(campaignRpcs.releaseLease, {
      dialerId: this.deps.dialerId,
      attemptIds,
      reason,
    });
  }

  /** Every SUMMARY_EVERY_MS: per tick averages of what the pacer saw and decided, and what it has learned. */
  private logSummary(): void {
    const now = Date.now();
    const sum = this.summary;
    if (now - sum.from < SUMMARY_EVERY_MS || sum.ticks === 0) return;
    this.summary = newSummary(now);
    if (!this.stopped) void this.savePace();
    const p = this.pacer;
    const avg = (n: number) => Number((n / sum.ticks).toFixed(2));
    this.deps.logger.log({
      msg: 'pacing summary',
      campaignId: this.campaign.id,
      seconds: (now - sum.from) / 1000,
      ticks: sum.ticks,
      tickMs: Math.round(sum.tickMs / sum.ticks),
      // Where a tick's time goes: reading the agents, and leasing (per lease request).
      agentReadMs: Math.round(sum.readMs / sum.ticks),
      leaseMs: sum.leases > 0 ? Math.round(sum.leaseMs / sum.leases) : 0,
      readyAgents: avg(sum.ready),
      workingAgents: avg(sum.working),
      callsInFlight: avg(sum.inFlight),
      dials: sum.decided,
      ticksIdle: sum.idleTicks,
      ...(p instanceof ForecastPacer
        ? {
            talkMeanSec: Number(p.talk.mean.toFixed(2)),
            wrapMeanSec: Number(p.wrap.mean.toFixed(2)),
            needsAgent: Number(p.needsAgent.mean.toFixed(3)),
            threshold: Number(p.threshold.toFixed(4)),
          }
        : {}),
      agentReads: `${this.agentReader.view.counters.fullReads} full, ${this.agentReader.view.counters.deltaReads} delta`,
      agentStatusesRead: this.agentReader.view.counters.statusesReceived,
      wrapsObserved: this.agentFeed.counters.wrapsObserved,
      wrapsSkipped: this.agentFeed.counters.wrapsSkipped,
      ...standbySummary(this.deps.calls.standbyOf(this.campaign.id), now),
    });
  }

  private observe(fact: CallFact): void {
    const at = fact.at / 1000;
    switch (fact.type) {
      case 'answered':
        this.abandons.record(fact.at, 'liveAnswered');
        this.pacer.observe({ type: 'answered', at, ringSec: fact.ringSec, needsAgent: true });
        this.pacer.observe({ type: 'liveAnswered', at });
        return;
      case 'machineDetected':
        // Not a live answer; the UK rule counts the campaign's AMD false-positive share of
        // these as abandons (AbandonWindowCounter with amd.falsePositiveRate).
        this.abandons.record(fact.at, 'machineDetected');
        this.pacer.observe({ type: 'answered', at, ringSec: fact.ringSec, needsAgent: false });
        this.pacer.observe({ type: 'machineDetected', at });
        return;
      case 'noAnswer':
        this.pacer.observe({ type: 'noAnswer', at });
        return;
      case 'connected':
        this.pacer.observe({ type: 'connected', at, waitSec: fact.waitSec });
        return;
      case 'abandoned':
        this.abandons.record(fact.at, 'abandoned');
        this.pacer.observe({ type: 'abandoned', at });
        return;
      case 'ended':
        this.pacer.observe({ type: 'talkEnded', at, talkSec: fact.talkSec });
        return;
    }
  }
}

/** The standby agents in the pacing summary: held now, answers bridged from one since the start. */
function standbySummary(pool: StandbyPool | undefined, now: number) {
  if (!pool) return {};
  const { taken, missed, handedBack } = pool.counters;
  return {
    standbyHeld: pool.size,
    standbyHorizonMs: Math.round(pool.horizonMs()),
    standbyAnswers: `${taken} of ${taken + missed}`,
    standbyHandedBack: handedBack,
    answersPerSecond: Number(pool.answersPerSecond(now).toFixed(1)),
  };
}

function newSummary(from: number) {
  return {
    from,
    ticks: 0,
    tickMs: 0,
    readMs: 0,
    leaseMs: 0,
    leases: 0,
    ready: 0,
    working: 0,
    inFlight: 0,
    decided: 0,
    idleTicks: 0,
  };
}

/**
 * A live call as the pacer sees it (seconds): ringing, AMD still listening (`detecting`),
 * or a person waiting for an agent (intro, waiting, bridging); connected and ended calls
 * are no longer the pacer's.
 */
export function callSnapshot(s: LiveCall['state'], now: number): CallSnapshot | undefined {
  if (s.phase === 'dialing') return { id: s.callId, state: 'ringing', dialedAt: s.dialedAt / 1000 };
  if (s.phase === 'detecting')
    return {
      id: s.callId,
      state: 'detecting',
      dialedAt: s.dialedAt / 1000,
      answeredAt: (s.answeredAt ?? now) / 1000,
    };
  if (s.phase === 'intro' || s.phase === 'waiting' || s.phase === 'bridging')
    return {
      id: s.callId,
      state: 'waiting',
      dialedAt: s.dialedAt / 1000,
      answeredAt: (s.answeredAt ?? now) / 1000,
      agentNeededAt: (s.agentNeededAt ?? s.answeredAt ?? now) / 1000,
    };
  return undefined;
}
