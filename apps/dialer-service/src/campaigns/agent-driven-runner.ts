import { randomUUID } from 'node:crypto';
import {
  AtsError,
  callPreviewDecidedEvent,
  callPreviewOfferedEvent,
  campaignRpcs,
  createEvent,
  releaseReservationRpc,
  reserveAgentRpc,
  type AgentStatus,
  type Campaign,
  type DialerRefusalReason,
  type EventDefinition,
  type LeasedContact,
  type LeaseRefusalReason,
  type ManualDialReply,
} from '@autotelesale/contracts';
import {
  decidePreview,
  DialerError,
  offerPreview,
  type AgentAssignment,
  type PreviewInput,
  type PreviewOffer,
} from '@autotelesale/dialer-domain';
import type { z } from 'zod';
import { deterministicUuid } from '../calls/deterministic-id';
import { clearedToDial } from '../compliance/clear-to-dial';
import { CampaignAgents } from '../agents/campaign-agents';
import type { CampaignRunnerDeps } from './campaign-runner';

const LEASE_SECONDS = 300;
const RENEW_EVERY_MS = 60_000;
const MAX_LEASES_PER_CLICK = 5;

export type AgentDrivenRunnerDeps = CampaignRunnerDeps;

/** Why campaign-service would not lease a chosen contact, as the agent is told. */
const CONTACT_REFUSALS: Record<
  Exclude<LeaseRefusalReason, 'CONTACT_NOT_FOUND' | 'CAMPAIGN_NOT_RUNNING'>,
  [DialerRefusalReason, string]
> = {
  CONTACT_LEASED: ['CONTACT_LEASED', 'this contact is being called or previewed by someone else'],
  CONTACT_DONE: [
    'CONTACT_DONE',
    'this contact is finished (answered, disposed, out of attempts or not to be called)',
  ],
  CONTACT_NOT_YOURS: ['CONTACT_NOT_YOURS', 'this contact belongs to another agent'],
  CONTACT_NOT_COMPLIANT: [
    'CONTACT_NOT_COMPLIANT',
    'this contact may not be called now (calling hours, do-not-call list, daily cap or invalid number)',
  ],
};

interface LivePreview {
  offer: PreviewOffer;
  contact: LeasedContact;
  agent: AgentAssignment;
  timer: NodeJS.Timeout | undefined;
}

export function refusal(reason: DialerRefusalReason, message: string): AtsError {
  return new AtsError('CONFLICT', message, { reason });
}

/**
 * Runs one manual or preview campaign this replica owns. Nothing is paced: the agents
 * drive. Every tick it keeps the agents' nailed-up legs on the campaign's node (like the
 * paced runner) and, in preview mode, offers each ready agent who has none a contact:
 * the agent is reserved, a contact leased for them, and `call.previewOffered` published
 * (the screen-pop) for the campaign's preview seconds; the agent accepts (dial now),
 * skips (the contact gets a `skipped` outcome and comes back per the campaign's rules) or
 * lets the time run out (the campaign's `previewTimeoutAction`: dial, or skip likewise).
 * Manual: the agent asks (`manualDial`), the dialer reserves them, leases the next
 * contact for them (or the one they chose: click-to-call) and dials. Both dial with `bridgeOnMedia`: the agent hears the ringback.
 */
export class AgentDrivenRunner {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;
  private lastRenewal = Date.now();
  /** The campaign's agents as agent-service last listed them (eligibility). */
  private agents = new Map<string, AgentStatus>();
  private readonly previews = new Map<string, LivePreview>();
  /** Agents being offered a preview right now (reserve and lease in flight). */
  private readonly offering = new Set<string>();
  readonly counters = { dialed: 0, ticks: 0, leaseShortfalls: 0, previewsOffered: 0, previewsSkipped: 0 };

  constructor(
    public campaign: Campaign,
    readonly nodeId: string,
    private readonly deps: AgentDrivenRunnerDeps,
  ) {
    this.agentReader = new CampaignAgents(deps.bus);
  }

  /** The agents' live states, followed by deltas (one read per tick). */
  private readonly agentReader: CampaignAgents;

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.deps.tickMs);
    void this.tick();
  }

  /** Stops offering and dialing; previews not yet decided give their contact and agent back. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all(
      [...this.previews.values()].map((p) =>
        this.decide(p, { type: 'cancel', at: Date.now() }).catch(() => undefined),
      ),
    );
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  get pendingPreviews(): number {
    return this.previews.size;
  }

  async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      this.counters.ticks++;
      const c = this.campaign;
      const { all } = await this.agentReader.read(c);
      this.agents = new Map(all.map((a) => [a.agentId, a]));
      this.deps.agentLegs.sync(all, this.nodeId);
      await this.dropPreviewsOfGoneAgents();
      if (c.mode === 'preview') await this.offerToReadyAgents(all);
      await this.renewLeases();
    } catch (error) {
      this.deps.logger.warn({
        msg: 'agent-driven tick failed',
        campaignId: this.campaign.id,
        error: String(error),
      });
    } finally {
      this.running = false;
    }
  }

  // ---------------------------------------------------------------- manual

  async manualDial(agentId: string, contactId?: string): Promise<ManualDialReply> {
    this.refuseUnlessAccepting('manual');
    const agent = await this.reserveFor(agentId, this.campaign.pacing.ringTimeoutSeconds + 15);
    if (contactId !== undefined) return this.dialChosen(agent, contactId);
    let contact: LeasedContact | undefined;
    // Compliance right before the originate (issue 8): a refused contact was already given
    // back by campaign-service; the next one is tried, a few times at most.
    for (let i = 0; i < MAX_LEASES_PER_CLICK && !contact; i++) {
      const leased = await this.leaseFor(agent);
      if (await clearedToDial(this.deps.bus, this.deps.dialerId, leased, this.deps.logger)) contact = leased;
    }
    if (!contact) {
      await this.releaseReservation(agent);
      throw refusal('NO_CONTACT_DIALABLE', 'no contact of this campaign may be dialed now');
    }
    return this.dialFor(agent, contact);
  }

  /** Click-to-call: this contact or a typed refusal saying why not (nothing else is dialed). */
  private async dialChosen(agent: AgentAssignment, contactId: string): Promise<ManualDialReply> {
    const contact = await this.leaseFor(agent, contactId);
    if (!(await clearedToDial(this.deps.bus, this.deps.dialerId, contact, this.deps.logger))) {
      await this.releaseReservation(agent);
      throw refusal('CONTACT_NOT_COMPLIANT', CONTACT_REFUSALS.CONTACT_NOT_COMPLIANT[1]);
    }
    return this.dialFor(agent, contact);
  }

  private dialFor(agent: AgentAssignment, contact: LeasedContact): ManualDialReply {
    const callId = randomUUID();
    const dialedAt = new Date().toISOString();
    this.counters.dialed++;
    void this.deps.calls.dial(this.campaign, contact, this.nodeId, agent, { callId, bridgeOnMedia: true });
    return {
      callId,
      campaignId: this.campaign.id,
      agentId: agent.agentId,
      contact: card(contact),
      dialedAt,
    };
  }

  // ---------------------------------------------------------------- preview

  async acceptPreview(
    previewId: string,
    agentId: string,
  ): Promise<{ previewId: string; callId: string; dialedAt: string }> {
    this.refuseUnlessAccepting('preview');
    const preview = this.previewOf(previewId, agentId);
    const callId = await this.decide(preview, { type: 'accept', at: Date.now(), agentId });
    if (callId === undefined) throw refusal('PREVIEW_DECIDED', 'this preview was already decided');
    if (callId === '') throw refusal('NO_CONTACT_DIALABLE', 'this contact may no longer be dialed');
    return { previewId, callId, dialedAt: new Date().toISOString() };
  }

  async skipPreview(
    previewId: string,
    agentId: string,
  ): Promise<{ previewId: string; contactReturned: true }> {
    if (this.campaign.mode !== 'preview')
      throw refusal('CAMPAIGN_NOT_PREVIEW', 'the campaign is not in preview mode');
    const preview = this.previewOf(previewId, agentId);
    const changed = await this.decide(preview, { type: 'skip', at: Date.now(), agentId });
    if (changed === undefined) throw refusal('PREVIEW_DECIDED', 'this preview was already decided');
    return { previewId, contactReturned: true };
  }

  private previewOf(previewId: string, agentId: string): LivePreview {
    const preview = this.previews.get(previewId);
    // Another agent's preview answers like a missing one: ids of others are not revealed.
    if (!preview || preview.offer.agentId !== agentId)
      throw new AtsError('NOT_FOUND', `preview ${previewId} not found`);
    return preview;
  }

  /**
   * A preview whose agent logged out, went not ready or lost their phone leg (or whose
   * reservation lapsed) cannot be taken: its contact goes back now, not at the timeout.
   */
  private async dropPreviewsOfGoneAgents(): Promise<void> {
    for (const preview of [...this.previews.values()]) {
      const status = this.agents.get(preview.offer.agentId);
      const leg = this.deps.agentLegs.leg(preview.offer.agentId);
      if (status?.state === 'reserved' && leg?.up && leg.uuid === preview.agent.agentLegUuid) continue;
      await this.decide(preview, { type: 'cancel', at: Date.now() });
    }
  }

  private async offerToReadyAgents(statuses: readonly AgentStatus[]): Promise<void> {
    const busy = new Set([...this.previews.values()].map((p) => p.offer.agentId));
    for (const status of statuses) {
      if (this.stopped) return;
      if (status.state !== 'ready' || busy.has(status.agentId) || this.offering.has(status.agentId)) continue;
      if (!this.deps.agentLegs.legUpOn(status.agentId, this.nodeId)) continue;
      this.offering.add(status.agentId);
      try {
        const offered = await this.offerPreviewTo(status.agentId);
        // Nothing to dial: stop asking for the other agents this tick.
        if (!offered) return;
      } finally {
        this.offering.delete(status.agentId);
      }
    }
  }

  private async offerPreviewTo(agentId: string): Promise<boolean> {
    const c = this.campaign;
    let agent: AgentAssignment;
    try {
      agent = await this.reserveFor(agentId, c.pacing.previewSeconds + c.pacing.ringTimeoutSeconds + 15);
    } catch {
      return true; // not ready after all: the next agent may be
    }
    let contact: LeasedContact;
    try {
      contact = await this.leaseFor(agent);
    } catch {
      return false;
    }
    if (this.stopped) {
      await this.giveBack(contact, agent, 'dialer stopping');
      return false;
    }
    const previewId = randomUUID();
    const now = Date.now();
    const offer = offerPreview({
      previewId,
      agentId,
      at: now,
      previewSeconds: c.pacing.previewSeconds,
      onTimeout: c.pacing.previewTimeoutAction,
    });
    const preview: LivePreview = { offer, contact, agent, timer: undefined };
    this.previews.set(previewId, preview);
    this.counters.previewsOffered++;
    await this.publish(previewId, 1, callPreviewOfferedEvent, {
      previewId,
      campaignId: c.id,
      dialerId: this.deps.dialerId,
      agentId,
      extension: agent.extension,
      contactId: contact.id,
      attemptId: contact.attemptId,
      attemptNumber: contact.attemptNumber,
      phone: contact.phone,
      name: contact.name,
      fields: contact.fields,
      previewSeconds: c.pacing.previewSeconds,
      offeredAt: new Date(now).toISOString(),
      expiresAt: new Date(offer.expiresAt).toISOString(),
      onTimeout: offer.onTimeout,
    });
    preview.timer = setTimeout(
      () => void this.decide(preview, { type: 'tick', at: Date.now() }),
      Math.max(0, offer.expiresAt - Date.now()) + 1,
    );
    return true;
  }

  /**
   * Takes the preview's one decision and runs it: dial (returns the call id) or give the
   * contact and the agent back (returns ''). Undefined: it was decided already.
   */
  private async decide(preview: LivePreview, input: PreviewInput): Promise<string | undefined> {
    let next: { offer: PreviewOffer; changed: boolean };
    try {
      next = decidePreview(preview.offer, input);
    } catch (error) {
      if (error instanceof DialerError && error.code === 'DIALER_NOT_YOUR_PREVIEW')
        throw new AtsError('NOT_FOUND', `preview ${preview.offer.previewId} not found`);
      throw error;
    }
    if (!next.changed) return undefined;
    preview.offer = next.offer;
    if (preview.timer) clearTimeout(preview.timer);
    this.previews.delete(preview.offer.previewId);
    const { offer, contact, agent } = preview;
    let dial = offer.decision === 'dial' && !this.stopped;
    let decidedBy = offer.decidedBy!;
    if (dial && !(await clearedToDial(this.deps.bus, this.deps.dialerId, contact, this.deps.logger))) {
      // No longer clear to dial (compliance): campaign-service has the contact back already.
      dial = false;
      decidedBy = 'system';
      await this.releaseReservation(agent);
    }
    const callId = dial ? randomUUID() : null;
    if (dial) {
      this.counters.dialed++;
      void this.deps.calls.dial(this.campaign, contact, this.nodeId, agent, {
        callId: callId!,
        bridgeOnMedia: true,
      });
    } else if (offer.decision === 'skip' && decidedBy !== 'system') {
      // Skipped by the agent or by the campaign's timeout action: an outcome of its own.
      this.counters.previewsSkipped++;
      await this.skip(offer.previewId, contact, agent, decidedBy);
    } else if (decidedBy !== 'system' || offer.decision !== 'dial') {
      // Cancelled (agent gone) or accepted as the dialer stops: given back as it was, no outcome.
      await this.giveBack(contact, agent, 'preview not dialed');
    }
    await this.publish(offer.previewId, 2, callPreviewDecidedEvent, {
      previewId: offer.previewId,
      campaignId: this.campaign.id,
      agentId: offer.agentId,
      contactId: contact.id,
      attemptId: contact.attemptId,
      decision: dial ? 'dial' : 'skip',
      decidedBy,
      callId,
      decidedAt: new Date(offer.decidedAt!).toISOString(),
    }).catch((error: unknown) =>
      this.deps.logger.warn({
        msg: 'preview event not published',
        previewId: offer.previewId,
        error: String(error),
      }),
    );
    return callId ?? '';
  }

  // ---------------------------------------------------------------- shared

  private refuseUnlessAccepting(mode: 'manual' | 'preview'): void {
    if (this.stopped)
      throw refusal('DIALER_DRAINING', 'the dialer of this campaign is handing it over: retry');
    if (this.campaign.mode !== mode)
      throw refusal(
        mode === 'manual' ? 'CAMPAIGN_NOT_MANUAL' : 'CAMPAIGN_NOT_PREVIEW',
        `the campaign is not in ${mode} mode`,
      );
  }

  /** Reserves exactly this agent of the campaign, with their leg on the campaign's node. */
  private async reserveFor(agentId: string, holdSeconds: number): Promise<AgentAssignment> {
    const status = this.agents.get(agentId);
    if (!status)
      throw refusal('AGENT_NOT_READY', 'the agent does not work this campaign (or is not logged in)');
    const leg = this.deps.agentLegs.legUpOn(agentId, this.nodeId);
    // Whether they are ready is agent-service's compare-and-set below: the listing may be a
    // tick old (an agent clicking as their last call ends is ready already).
    if (!leg) throw refusal('AGENT_NOT_READY', 'the agent is not ready, or their phone is not connected yet');
    const reply = await this.deps.bus.request(reserveAgentRpc, {
      campaignId: this.campaign.id,
      eligibleAgentIds: [agentId],
      timeoutMs: Math.min(600_000, holdSeconds * 1000),
    });
    if (reply.outcome !== 'reserved') throw refusal('AGENT_NOT_READY', 'the agent is not ready');
    return {
      agentId,
      extension: reply.reservation.extension,
      reservationId: reply.reservation.reservationId,
      agentLegUuid: leg.uuid,
    };
  }

  /**
   * Leases the next contact for the reserved agent, or the one they chose; none: the
   * reservation goes back and the refusal says why.
   */
  private async leaseFor(agent: AgentAssignment, contactId?: string): Promise<LeasedContact> {
    const reply = await this.deps.bus
      .request(campaignRpcs.leaseContacts, {
        campaignId: this.campaign.id,
        dialerId: this.deps.dialerId,
        count: 1,
        leaseSeconds: LEASE_SECONDS,
        agentIds: [agent.agentId],
        ...(contactId !== undefined ? { contactIds: [contactId] } : {}),
      })
      .catch(async (error: unknown) => {
        await this.releaseReservation(agent);
        throw error;
      });
    const contact = reply.contacts[0];
    if (contact) return contact;
    this.counters.leaseShortfalls++;
    await this.releaseReservation(agent);
    if (reply.campaignStatus !== 'running')
      throw refusal('CAMPAIGN_NOT_RUNNING', 'the campaign is not running');
    const why = contactId === undefined ? undefined : reply.refused?.[0]?.reason;
    if (why === 'CONTACT_NOT_FOUND')
      throw new AtsError('NOT_FOUND', `contact ${contactId} not found in this campaign`);
    if (why !== undefined && why !== 'CAMPAIGN_NOT_RUNNING') {
      const [reason, message] = CONTACT_REFUSALS[why];
      throw refusal(reason, message);
    }
    throw refusal('NO_CONTACT_DIALABLE', 'no contact of this campaign may be dialed now');
  }

  private async giveBack(contact: LeasedContact, agent: AgentAssignment, reason: string): Promise<void> {
    await Promise.all([
      this.deps.bus.request(campaignRpcs.releaseLease, {
        dialerId: this.deps.dialerId,
        attemptIds: [contact.attemptId],
        reason,
      }),
      this.releaseReservation(agent),
    ]);
  }

  /** A skipped preview: the `skipped` outcome (history, counts, the campaign's skip delay), not an attempt. */
  private async skip(
    previewId: string,
    contact: LeasedContact,
    agent: AgentAssignment,
    decidedBy: 'agent' | 'timeout',
  ): Promise<void> {
    await Promise.all([
      this.deps.bus.request(campaignRpcs.recordOutcome, {
        attemptId: contact.attemptId,
        dialerId: this.deps.dialerId,
        outcome: 'skipped',
        details: { previewId, decidedBy },
      }),
      this.releaseReservation(agent),
    ]);
  }

  private async releaseReservation(agent: AgentAssignment): Promise<void> {
    await this.deps.bus
      .request(releaseReservationRpc, { reservationId: agent.reservationId })
      .then(() => {
        // Ready again now, not at the next tick's listing: a click right after a refusal is served.
        const status = this.agents.get(agent.agentId);
        if (status?.state === 'reserved') this.agents.set(agent.agentId, { ...status, state: 'ready' });
      })
      .catch((error: unknown) =>
        this.deps.logger.warn({
          msg: 'reservation not released',
          agentId: agent.agentId,
          error: String(error),
        }),
      );
  }

  /** Live calls and shown previews outlast a lease: renew theirs so the contact is never leased twice. */
  private async renewLeases(): Promise<void> {
    if (Date.now() - this.lastRenewal < RENEW_EVERY_MS) return;
    this.lastRenewal = Date.now();
    const ids = [
      ...this.deps.calls.liveCalls(this.campaign.id).map((c) => c.contact.attemptId),
      ...[...this.previews.values()].map((p) => p.contact.attemptId),
    ];
    for (let i = 0; i < ids.length; i += 500) {
      await this.deps.bus.request(campaignRpcs.renewLease, {
        dialerId: this.deps.dialerId,
        attemptIds: ids.slice(i, i + 500),
        leaseSeconds: LEASE_SECONDS,
      });
    }
  }

  private async publish<T extends string, P extends z.ZodType>(
    previewId: string,
    version: number,
    definition: EventDefinition<T, P>,
    payload: z.input<P>,
  ): Promise<void> {
    const event = createEvent(definition, {
      id: deterministicUuid(`${previewId}:${definition.type}`),
      aggregateId: previewId,
      aggregateVersion: version,
      producer: `dialer:${this.deps.dialerId}`,
      payload,
    });
    await this.deps.bus.publishEvent(this.deps.bus.topology.events.call(previewId), event);
  }
}

function card(contact: LeasedContact): ManualDialReply['contact'] {
  return {
    contactId: contact.id,
    attemptId: contact.attemptId,
    phone: contact.phone,
    name: contact.name,
    fields: contact.fields,
    attemptNumber: contact.attemptNumber,
  };
}
