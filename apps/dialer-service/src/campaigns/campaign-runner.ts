import type { Logger } from '@nestjs/common';
import {
  campaignRpcs,
  listAgentStatusesRpc,
  releaseReservationRpc,
  reserveAgentRpc,
  type AgentStatus,
  type Campaign,
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
import type { CallDriverService, CallFact } from '../calls/call-driver.service';

export interface CampaignRunnerDeps {
  bus: NatsBus;
  calls: CallDriverService;
  agentLegs: AgentLegsService;
  dialerId: string;
  logger: Logger;
  tickMs: number;
}

/** At most this many calls started per tick, so one tick never floods a node. */
const MAX_DIALS_PER_TICK = 50;
const LEASE_SECONDS = 300;
const RENEW_EVERY_MS = 60_000;

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
        graceSec: campaign.pacing.abandonGraceSeconds,
        noAnswerTimeoutSec: campaign.pacing.ringTimeoutSeconds,
        maxLinesPerAgent: campaign.pacing.maxLinesPerAgent,
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
  private readonly pacer: Pacer;
  private lastRenewal = Date.now();
  /** Contacts leased, dials started; for the status operation and tests. */
  readonly counters = { dialed: 0, ticks: 0, leaseShortfalls: 0 };

  constructor(
    public campaign: Campaign,
    readonly nodeId: string,
    private readonly deps: CampaignRunnerDeps,
  ) {
    this.pacer = pacerFor(campaign);
    deps.calls.onFacts(campaign.id, (fact) => this.observe(fact));
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.deps.tickMs);
  }

  /** Stops starting calls; live calls go on to their end. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.deps.calls.onFacts(this.campaign.id, undefined);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      await this.paceOnce();
      await this.renewLeases();
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
    const { bus, agentLegs, calls } = this.deps;
    const c = this.campaign;
    const statuses = await bus.request(listAgentStatusesRpc, {
      agentIds: c.agents.length > 0 ? c.agents.map((a) => a.agentId) : undefined,
      groupIds: c.agentGroupId ? [c.agentGroupId] : undefined,
    });
    agentLegs.sync(statuses.items, this.nodeId);
    if (this.stopped) return;
    const now = Date.now();
    const agents: AgentSnapshot[] = statuses.items.map((a) => {
      const leg = agentLegs.leg(a.agentId);
      const reachable = leg !== undefined && leg.up && leg.nodeId === this.nodeId;
      // An agent without a parked leg here cannot take a call in milliseconds: not ready for us.
      const state = a.state === 'ready' && !reachable ? 'notReady' : AGENT_STATE[a.state];
      return { id: a.agentId, state, since: Date.parse(a.stateSince) / 1000 };
    });
    const live = calls.liveCalls(c.id);
    const snapshotCalls: CallSnapshot[] = [];
    for (const call of live) {
      const s = call.state;
      if (s.phase === 'dialing')
        snapshotCalls.push({ id: s.callId, state: 'ringing', dialedAt: s.dialedAt / 1000 });
      else if (s.phase === 'intro' || s.phase === 'waiting' || s.phase === 'bridging')
        snapshotCalls.push({
          id: s.callId,
          state: 'waiting',
          dialedAt: s.dialedAt / 1000,
          answeredAt: (s.answeredAt ?? now) / 1000,
          agentNeededAt: (s.agentNeededAt ?? s.answeredAt ?? now) / 1000,
        });
    }
    const decision = this.pacer.decide({ now: now / 1000, agents, calls: snapshotCalls });
    const dials = Math.min(decision.dials, MAX_DIALS_PER_TICK);
    if (dials <= 0) return;
    if (c.mode === 'predictive') await this.dialPredictive(dials, agents);
    else await this.dialAgentFirst(dials);
  }

  private async dialPredictive(dials: number, agents: AgentSnapshot[]): Promise<void> {
    const reply = await this.deps.bus.request(campaignRpcs.leaseContacts, {
      campaignId: this.campaign.id,
      dialerId: this.deps.dialerId,
      count: dials,
      leaseSeconds: LEASE_SECONDS,
      agentIds: agents.filter((a) => a.state === 'ready').map((a) => a.id),
    });
    if (reply.contacts.length < dials) this.counters.leaseShortfalls++;
    for (const contact of reply.contacts) {
      if (this.stopped) {
        await this.releaseLeases([contact.attemptId]);
        continue;
      }
      this.counters.dialed++;
      void this.deps.calls.dial(this.campaign, contact, this.nodeId);
    }
  }

  /** Progressive: an agent is reserved (with its leg) before each dial, then one contact leased for it. */
  private async dialAgentFirst(dials: number): Promise<void> {
    const { bus, agentLegs } = this.deps;
    const c = this.campaign;
    for (let i = 0; i < dials && !this.stopped; i++) {
      const reserved = await bus.request(reserveAgentRpc, {
        campaignId: c.id,
        eligibleAgentIds: c.agents.map((a) => a.agentId),
        eligibleGroupIds: c.agentGroupId ? [c.agentGroupId] : [],
        // Held through the ring time: released at once if the customer does not answer.
        timeoutMs: Math.min(600_000, (c.pacing.ringTimeoutSeconds + 15) * 1000),
      });
      if (reserved.outcome !== 'reserved') return;
      const r = reserved.reservation;
      const leg = agentLegs.leg(r.agentId);
      if (!leg || !leg.up || leg.nodeId !== this.nodeId) {
        await bus.request(releaseReservationRpc, { reservationId: r.reservationId });
        continue;
      }
      const lease = await bus.request(campaignRpcs.leaseContacts, {
        campaignId: c.id,
        dialerId: this.deps.dialerId,
        count: 1,
        leaseSeconds: LEASE_SECONDS,
        agentIds: [r.agentId],
      });
      const contact = lease.contacts[0];
      if (!contact) {
        this.counters.leaseShortfalls++;
        await bus.request(releaseReservationRpc, { reservationId: r.reservationId });
        return;
      }
      this.counters.dialed++;
      void this.deps.calls.dial(c, contact, this.nodeId, {
        agentId: r.agentId,
        extension: r.extension,
        reservationId: r.reservationId,
        agentLegUuid: leg.uuid,
      });
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

  private async releaseLeases(attemptIds: string[]): Promise<void> {
    await this.deps.bus.request(campaignRpcs.releaseLease, {
      dialerId: this.deps.dialerId,
      attemptIds,
      reason: 'dialer stopping',
    });
  }

  private observe(fact: CallFact): void {
    const at = fact.at / 1000;
    switch (fact.type) {
      case 'answered':
        this.pacer.observe({ type: 'answered', at, ringSec: fact.ringSec, needsAgent: true });
        this.pacer.observe({ type: 'liveAnswered', at });
        return;
      case 'noAnswer':
        this.pacer.observe({ type: 'noAnswer', at });
        return;
      case 'connected':
        this.pacer.observe({ type: 'connected', at, waitSec: fact.waitSec });
        return;
      case 'abandoned':
        this.pacer.observe({ type: 'abandoned', at });
        return;
      case 'ended':
        this.pacer.observe({ type: 'talkEnded', at, talkSec: fact.talkSec });
        return;
    }
  }
}
