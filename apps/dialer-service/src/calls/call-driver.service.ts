import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { context, type Context } from '@opentelemetry/api';
import {
  AtsError,
  callAbandonedEvent,
  callAgentConnectedEvent,
  callAnsweredEvent,
  callDialedEvent,
  callEndedEvent,
  campaignRpcs,
  createEvent,
  RECORD_OUTCOMES_MAX,
  reserveAgentRpc,
  reserveAgentsRpc,
  type Campaign,
  type EventDefinition,
  type LeasedContact,
  type OutcomeResult,
  type RecordOutcomeRequest,
} from '@autotelesale/contracts';
import { NatsBus, RequestBatcher } from '@autotelesale/messaging';
import {
  advanceCall,
  CHANNEL_VARS,
  IDENTIFICATION_MESSAGE_LEAD_MS,
  customerLegPlan,
  secondsBetween,
  startCall,
  StandbyPool,
  type StandbySettings,
  takesStandbyAgent,
  type AgentAssignment,
  type StandbyEntry,
  type AmdMark,
  type CallEffect,
  type CallInput,
  type CallPhase,
  type CallState,
  type HangupBy,
} from '@autotelesale/dialer-domain';
import type { EslEvent } from '@autotelesale/esl';
import type { z } from 'zod';
import { AgentLegsService, type AgentLeg } from '../agents/agent-legs.service';
import { DIALER_SERVICE_CONFIG, type DialerServiceConfig } from '../config/dialer-service.config';
import { FsNodesService } from '../telephony/fs-nodes.service';
import { ReservationChanges } from './reservation-changes';
import { CallRecording } from './call-recording';
import { deterministicUuid } from './deterministic-id';
import type { LiveCall } from './live-call';

/** What happened to a call, for the campaign's pacer to learn from (epoch ms). */
export type CallFact =
  | { type: 'answered'; at: number; ringSec: number }
  /** AMD took the answer for a machine and hung up on it or left the message (not a live answer). */
  | { type: 'machineDetected'; at: number; ringSec: number }
  | { type: 'noAnswer'; at: number }
  | { type: 'connected'; at: number; waitSec: number }
  | { type: 'abandoned'; at: number }
  | { type: 'ended'; at: number; talkSec: number };

const HOLD_MUSIC = 'local_stream://moh';
/** How long a campaign's intro message is taken to play. */
export const INTRO_MS = 6_000;
const DEFAULT_IDENTIFICATION = '/sounds/identification.wav';
const RESERVE_RETRY_MS = 100;
const OUTCOME_RETRY_MS = 500;
/** What the bridge to an agent reserved during detection needs after the verdict. */
const AMD_BRIDGE_MARGIN_MS = 700;

/**
 * How long a beep is waited for after the answer: the person is live from the answer and
 * the grace runs meanwhile, so detection ends early enough to bridge within it (1.3 s of
 * the 2 s grace). A machine whose beep comes later is taken for a person.
 */
export function amdWindowMs(graceMs: number): number {
  return Math.max(0, graceMs - AMD_BRIDGE_MARGIN_MS);
}

/** The effects that report a call's end: `call.ended` is published after them. */
const END_REPORTS: ReadonlySet<CallEffect['type']> = new Set([
  'recordOutcome',
  'agentCallEnded',
  'releaseReservation',
]);

/**
 * Drives every customer leg of this replica: originates it, feeds what FreeSWITCH and
 * agent-service say into the pure state machine (libs/dialer-domain) and runs the
 * effects it returns: intro, hold music, agent reservation, the bridge to the agent's
 * nailed-up leg, the identification message after the grace, `calls.ended` (wrap-up),
 * the outcome (`contact.recordOutcomes`, a few milliseconds' worth per request, retried
 * until campaign-service has it: it is idempotent per attempt) and the call events.
 * `call.ended` goes out once the call's end is reported (its outcome recorded, its agent
 * sent to wrap-up or given back): a call the calls stream shows ended needs nothing more,
 * and one it does not is carried to its end by the replica taking the campaign over.
 */
@Injectable()
export class CallDriverService {
  private readonly logger = new Logger(CallDriverService.name);
  private readonly calls = new Map<string, LiveCall>();
  private readonly byAgentLeg = new Map<string, string>();
  private readonly factListeners = new Map<string, (fact: CallFact) => void>();
  /** Per campaign, the agents its last pacing tick saw ready here (`reserveCandidates`). */
  private readonly candidates = new Map<string, string[]>();
  /** Each call's trace (its pacing tick): effects of later ESL events run in it, so one call is one trace. */
  private readonly traces = new Map<string, Context>();
  /** Per predictive campaign, the agents held reserved ahead of the answers (`keepStandby`). */
  private readonly standby = new Map<string, StandbyKept>();
  /** The `call.ended` publishes waiting for their call's end to be reported (the drain waits for them). */
  private readonly ending = new Set<Promise<void>>();
  /** Each answer of a campaign that keeps standby agents: bridged from one, or not (metrics). */
  onStandbyAnswer: ((campaignId: string, outcome: 'standby' | 'reserved') => void) | undefined;
  /** Confirms, releases and call ends to agent-service, a few milliseconds' worth per request. */
  private readonly reservationChanges: ReservationChanges;
  /** Outcomes to campaign-service, a few milliseconds' worth per `contact.recordOutcomes`. */
  private readonly outcomes: RequestBatcher<RecordOutcomeRequest, OutcomeResult>;

  constructor(
    @Inject(DIALER_SERVICE_CONFIG) private readonly config: DialerServiceConfig,
    private readonly bus: NatsBus,
    private readonly nodes: FsNodesService,
    private readonly agentLegs: AgentLegsService,
    private readonly recording: CallRecording,
  ) {
    this.reservationChanges = new ReservationChanges(bus, config.reportBatchMs);
    this.outcomes = new RequestBatcher({
      windowMs: config.reportBatchMs,
      max: RECORD_OUTCOMES_MAX,
      send: async (outcomes, { links }) =>
        (await bus.request(campaignRpcs.recordOutcomes, { outcomes }, { links })).results,
      // A campaign-service older than contact.recordOutcomes (a rolling upgrade): one by one.
      alone: (outcome) => bus.request(campaignRpcs.recordOutcome, outcome),
    });
    nodes.onEvent((nodeId, event) => this.onEslEvent(nodeId, event));
    agentLegs.onLegGone = (leg) => this.onAgentLegGone(leg);
  }

  liveCalls(campaignId?: string): LiveCall[] {
    const all = [...this.calls.values()];
    return campaignId ? all.filter((c) => c.campaign.id === campaignId) : all;
  }

  get size(): number {
    return this.calls.size;
  }

  /**
   * Sends the confirms, releases, call ends and outcomes still gathering, and waits for
   * their answers and for the `call.ended` events that wait on them.
   */
  async reportsSent(): Promise<void> {
    await Promise.all([this.reservationChanges.flush(), this.outcomes.flush()]);
    await Promise.all([...this.ending]);
  }

  onFacts(campaignId: string, listener: ((fact: CallFact) => void) | undefined): void {
    if (listener) this.factListeners.set(campaignId, listener);
    else this.factListeners.delete(campaignId);
  }

  /** The agents a campaign's reservations name first (undefined: its whole list). */
  setReserveCandidates(campaignId: string, agentIds: string[] | undefined): void {
    if (agentIds) this.candidates.set(campaignId, agentIds);
    else this.candidates.delete(campaignId);
  }

  /**
   * Keeps a predictive campaign's standby agents (libs/dialer-domain `StandbyPool`): hands
   * back the ones past use, and asks agent-service for as many more as the answers of the
   * next second need (`STANDBY_SETTINGS`), naming the tick's reserve candidates (`setReserveCandidates`:
   * ready agents with a leg on `nodeId`, longest idle first, less those reserved since).
   * Called on every pacing tick, after `setReserveCandidates`; nothing awaits the requests.
   */
  keepStandby(campaign: Campaign, nodeId: string, now = Date.now()): void {
    if (!this.config.standbyAgents) return;
    let kept = this.standby.get(campaign.id);
    if (!kept || kept.nodeId !== nodeId) {
      if (kept) this.releaseStandby(kept.pool.drain(), 'node changed');
      kept = { pool: new StandbyPool(STANDBY_SETTINGS), nodeId, batchesOut: 0 };
      this.standby.set(campaign.id, kept);
    }
    void this.releaseStandby(kept.pool.expire(now), 'past use');
    this.refillStandby(campaign, kept, now);
  }

  /**
   * At most two batches out (agent-service reserves each in one transaction); a batch that
   * comes back full is followed by the next at once, not at the next tick.
   */
  private refillStandby(campaign: Campaign, kept: StandbyKept, now: number): void {
    if (kept.batchesOut >= MAX_STANDBY_BATCHES_OUT) return;
    const held = kept.pool.heldAgentIds();
    const free = (this.candidates.get(campaign.id) ?? []).filter((id) => !held.has(id));
    let waitingCalls = 0;
    for (const call of this.calls.values())
      if (
        call.campaign.id === campaign.id &&
        !call.state.agent &&
        TAKES_STANDBY_WAITING.has(call.state.phase)
      )
        waitingCalls++;
    const n = kept.pool.requestsToSend(now, { readyAgents: free.length, waitingCalls }, MAX_STANDBY_BATCH);
    if (n > 0) void this.reserveStandby(campaign, kept, free, n);
  }

  /** The campaign stops here: every standby agent goes back (ready again at once). */
  dropStandby(campaignId: string): Promise<void> {
    const kept = this.standby.get(campaignId);
    this.standby.delete(campaignId);
    return kept ? this.releaseStandby(kept.pool.drain(), 'campaign stopped here') : Promise.resolve();
  }

  /** Whether `reservationId` is one of the campaign's standby agents (the pacer counts them ready). */
  holdsStandby(campaignId: string, reservationId: string | null | undefined): boolean {
    return this.standby.get(campaignId)?.pool.holds(reservationId) ?? false;
  }

  /** Standby agents held now, per campaign (metrics). */
  standbySizes(): Array<{ campaignId: string; held: number }> {
    return [...this.standby].map(([campaignId, { pool }]) => ({ campaignId, held: pool.size }));
  }

  /** A campaign's standby pool, for its pacing summary (undefined: it keeps none). */
  standbyOf(campaignId: string): StandbyPool | undefined {
    return this.standby.get(campaignId)?.pool;
  }

  /** One agent's standby reservation handed back (their own contact is dialed agent first). */
  async releaseStandbyAgent(campaignId: string, agentId: string): Promise<void> {
    const entry = this.standby.get(campaignId)?.pool.takeAgent(agentId);
    if (entry) await this.releaseStandby([entry], 'their own contact');
  }

  private async reserveStandby(
    campaign: Campaign,
    kept: StandbyKept,
    eligible: readonly string[],
    count: number,
  ): Promise<void> {
    const { pool, nodeId } = kept;
    kept.batchesOut++;
    const requestedAt = Date.now();
    const entries: StandbyEntry[] = [];
    const strays: StandbyEntry[] = [];
    try {
      const reply = await this.bus.request(reserveAgentsRpc, {
        campaignId: campaign.id,
        reservationIds: Array.from({ length: count }, () => randomUUID()),
        eligibleAgentIds: [...eligible],
        eligibleGroupIds: [],
        timeoutMs: pool.reservationTimeoutMs,
      });
      for (const r of reply.reservations) {
        const leg = this.agentLegs.legUpOn(r.agentId, nodeId);
        const agent: AgentAssignment = {
          agentId: r.agentId,
          extension: r.extension,
          reservationId: r.reservationId,
          agentLegUuid: leg?.uuid ?? '',
        };
        (leg ? entries : strays).push({ agent, requestedAt });
      }
      // The ones just reserved are no candidates any more (for the next batch, and for a
      // reservation made on an answer).
      const taken = new Set(reply.reservations.map((r) => r.agentId));
      const hint = this.candidates.get(campaign.id);
      if (hint)
        this.candidates.set(
          campaign.id,
          hint.filter((id) => !taken.has(id)),
        );
    } catch (error) {
      this.logger.warn({ msg: 'standby reserve failed', campaignId: campaign.id, error: String(error) });
    } finally {
      kept.batchesOut--;
    }
    pool.noteRoundTrip(Date.now() - requestedAt);
    for (let i = entries.length; i < count; i++) pool.requestFailed();
    if (strays.length > 0) void this.releaseStandby(strays, 'no leg on the node');
    // The campaign stopped here (or moved node) while the request was out.
    if (this.standby.get(campaign.id) !== kept) {
      for (const _ of entries) pool.requestFailed();
      return this.releaseStandby(entries, 'campaign stopped here');
    }
    const now = Date.now();
    const stale = entries.filter((e) => pool.added(e, now) === 'stale');
    if (stale.length > 0) void this.releaseStandby(stale, 'past use');
    this.serveWaiting(campaign.id);
    // A full batch means more may be free.
    if (entries.length === count) this.refillStandby(campaign, kept, now);
  }

  /** A customer who waits for an agent gets a standby one at once (agents are scarce then: held ones would only compete). */
  private serveWaiting(campaignId: string): void {
    for (const call of this.calls.values()) {
      // Not an intro: it would hold the reservation through the intro, past its safe use.
      if (call.campaign.id !== campaignId || call.state.agent || !TAKES_STANDBY_WAITING.has(call.state.phase))
        continue;
      const agent = this.takeStandby(call);
      if (!agent) return;
      this.apply(call, { type: 'agentReserved', at: Date.now(), agent });
    }
  }

  /** The oldest usable standby agent with a leg up on the call's node; the ones passed over go back. */
  private takeStandby(call: LiveCall): AgentAssignment | undefined {
    const kept = this.standby.get(call.campaign.id);
    if (!kept) return undefined;
    const { entry, handBack } = kept.pool.take(
      Date.now(),
      (e) => this.agentLegs.legUpOn(e.agent.agentId, call.nodeId)?.uuid === e.agent.agentLegUuid,
    );
    if (handBack.length > 0) void this.releaseStandby(handBack, 'past use or leg gone');
    // Drained below half by the answers since the tick: the next batch goes now.
    if (entry && kept.pool.needsRefill(Date.now())) this.refillStandby(call.campaign, kept, Date.now());
    return entry?.agent;
  }

  private async releaseStandby(entries: readonly StandbyEntry[], why: string): Promise<void> {
    await Promise.all(
      entries.map((e) =>
        this.reservationChanges.release(e.agent.reservationId).catch((error: unknown) =>
          this.logger.warn({
            msg: 'standby reservation not released (it expires by itself)',
            reservationId: e.agent.reservationId,
            why,
            error: String(error),
          }),
        ),
      ),
    );
  }

  /**
   * Places one call for a leased contact on `nodeId`. With `agent` (agent-first modes) the
   * agent is already reserved and the customer is bridged the moment they answer; with
   * `bridgeOnMedia` (manual, preview) already on the first media, so the agent hears the
   * ringback, and the ring time is then timed here (FreeSWITCH stops at early media).
   */
  async dial(
    campaign: Campaign,
    contact: LeasedContact,
    nodeId: string,
    agent?: AgentAssignment,
    options: { callId?: string; bridgeOnMedia?: boolean } = {},
  ): Promise<void> {
    const callId = options.callId ?? randomUUID();
    const now = Date.now();
    const introMs = campaign.introMessage ? INTRO_MS : 0;
    const early = options.bridgeOnMedia === true && agent !== undefined;
    const graceMs = campaign.pacing.abandonGraceSeconds * 1000;
    const amdSettings = campaign.compliance?.amd;
    const detect = amdSettings?.enabled === true && !early;
    const call: LiveCall = {
      callId,
      campaign,
      mode: campaign.mode,
      contact: { id: contact.id, attemptId: contact.attemptId, phone: contact.phone },
      nodeId,
      state: startCall(
        callId,
        now,
        {
          introMs,
          graceMs,
          messageLeadMs: IDENTIFICATION_MESSAGE_LEAD_MS,
          ...(detect
            ? {
                amd: {
                  action: amdSettings.action,
                  hasMessage: Boolean(amdSettings.message?.audio),
                  windowMs: amdWindowMs(graceMs),
                },
              }
            : {}),
          ...(early ? { bridgeOnMedia: true, ringTimeoutMs: campaign.pacing.ringTimeoutSeconds * 1000 } : {}),
        },
        agent ?? null,
      ),
      eventVersion: 0,
      reserveAttempts: 0,
      agentHungUp: false,
      outcomeRecorded: false,
      timer: undefined,
    };
    this.calls.set(callId, call);
    this.traces.set(callId, context.active());
    await this.publish(call, callDialedEvent, {
      callId,
      campaignId: campaign.id,
      attemptId: contact.attemptId,
      contactId: contact.id,
      dialerId: this.config.dialerId,
      node: nodeId,
      mode: campaign.mode,
      phone: contact.phone,
      dialedAt: new Date(now).toISOString(),
    });
    const plan = customerLegPlan({
      callId,
      dialerId: this.config.dialerId,
      campaignId: campaign.id,
      attemptId: contact.attemptId,
      contactId: contact.id,
      phone: contact.phone,
      gateway: this.config.gateway,
      ringTimeoutSec: campaign.pacing.ringTimeoutSeconds,
      callerId: campaign.callerId,
      earlyMedia: early,
      detectMachine: detect,
      reservationId: agent?.reservationId,
    });
    try {
      const result = await this.nodes.originate(plan, nodeId);
      // Originate returns on the first media (early media when early, else the answer).
      if (result.ok && early) this.apply(call, { type: 'media', at: Date.now() });
      // Success is handled on CHANNEL_ANSWER (it arrives first); a failure that never created
      // a channel has no hangup event, so the job's cause ends the call here.
      if (!result.ok)
        this.apply(call, { type: 'hangup', at: Date.now(), cause: result.cause, by: 'network' });
    } catch (error) {
      // Timed out or dropped: the call may exist on the node. The hangup event (or the
      // reconciliation after a reconnect) ends it; if the node is gone for good the
      // restart handler does.
      this.logger.warn({ msg: 'originate did not complete', callId, node: nodeId, error: String(error) });
    }
  }

  /**
   * A call the previous owner placed, found live on a node after a take-over: driven to
   * its end from its rebuilt state (`resumed`: a person found waiting is abandoned, a call
   * in detection goes on detecting, or gets its verdict, see libs/dialer-domain `resumeCall`).
   */
  adopt(
    campaign: Campaign,
    contact: LiveCall['contact'],
    nodeId: string,
    state: LiveCall['state'],
    live = true,
  ): void {
    const call: LiveCall = {
      callId: state.callId,
      campaign,
      mode: campaign.mode,
      contact,
      nodeId,
      state,
      // call.dialed and call.answered were published by the old owner (versions 1-2); in
      // detection the answer is published with the verdict, so only call.dialed was.
      eventVersion:
        state.phase === 'dialing' || state.phase === 'detecting' ? 1 : state.phase === 'connected' ? 3 : 2,
      reserveAttempts: 0,
      agentHungUp: false,
      outcomeRecorded: false,
      timer: undefined,
    };
    this.calls.set(call.callId, call);
    if (state.agent && state.phase === 'connected')
      this.byAgentLeg.set(state.agent.agentLegUuid, call.callId);
    this.recording.adopted(call);
    if (live) this.apply(call, { type: 'resumed', at: Date.now() });
  }

  /**
   * The connection to a node came back (same switch, not restarted): events sent while it
   * was down are lost, so ask the node what became of each call. A call gone from it ended
   * during the cut (as a network failure if it had not been answered: it is retried by the
   * campaign's rules); one answered meanwhile is taken as answered when the cut began, so
   * it is bridged if it still may be, or abandoned properly.
   */
  async reconcileNode(nodeId: string, downSince: number): Promise<void> {
    const mine = [...this.calls.values()].filter((c) => c.nodeId === nodeId);
    if (mine.length === 0) return;
    const rows = new Map((await this.nodes.connection(nodeId).showChannels()).map((r) => [r.uuid, r]));
    const now = Date.now();
    for (const call of mine) {
      const row = rows.get(call.callId);
      if (!row) {
        const cause = call.state.phase === 'dialing' ? 'NORMAL_TEMPORARY_FAILURE' : 'NORMAL_CLEARING';
        this.apply(call, { type: 'hangup', at: now, cause, by: 'network' });
      } else if (call.state.phase === 'dialing' && (row.callstate === 'ACTIVE' || row.callstate === 'HELD')) {
        this.apply(call, { type: 'answered', at: downSince });
        this.apply(call, { type: 'tick', at: now });
      }
    }
  }

  /**
   * A call of a dead replica that ended while nobody owned its campaign (found in the calls
   * stream, gone from the switch): ended now, so its outcome is recorded and its agent
   * goes to wrap-up. The hangup time is unknown; the take-over time stands for it.
   */
  closeLost(
    campaign: Campaign,
    contact: LiveCall['contact'],
    nodeId: string,
    state: LiveCall['state'],
  ): void {
    this.adopt(campaign, contact, nodeId, state, false);
    const call = this.calls.get(state.callId);
    if (call) this.apply(call, { type: 'hangup', at: Date.now(), cause: 'NORMAL_CLEARING', by: 'network' });
  }

  /** The node restarted (or is gone): every call on it ended without events. */
  endCallsOnNode(nodeId: string, cause: string): void {
    for (const call of [...this.calls.values()])
      if (call.nodeId === nodeId) this.apply(call, { type: 'hangup', at: Date.now(), cause, by: 'network' });
  }

  private onEslEvent(nodeId: string, event: EslEvent): void {
    if (event.kind === 'job' || event.kind === 'heartbeat') return;
    if (!('uniqueId' in event)) return;
    const uuid = event.uniqueId as string;
    const call = this.calls.get(uuid);
    if (!call || call.nodeId !== nodeId) return;
    const at = Math.round(event.timestampUs / 1000) || Date.now();
    switch (event.name) {
      case 'CHANNEL_ANSWER':
        this.onAnswer(call, at);
        break;
      case 'CHANNEL_BRIDGE':
        this.apply(call, { type: 'bridged', at });
        break;
      case 'CUSTOM':
        if (event.kind === 'amd' && event.subclass === 'avmd::beep' && event.result === 'DETECTED')
          this.apply(call, { type: 'machineDetected', at });
        break;
      case 'PLAYBACK_STOP':
        if (call.state.phase === 'intro') this.apply(call, { type: 'introEnded', at });
        break;
      case 'CHANNEL_HANGUP_COMPLETE':
        if (event.kind === 'hangup')
          this.apply(call, { type: 'hangup', at, cause: event.hangupCause, by: this.hangupBy(call, event) });
        break;
      default:
        break;
    }
  }

  /** The answer, with a standby agent when the campaign holds one and the call can take it. */
  private onAnswer(call: LiveCall, at: number): void {
    const kept = this.standby.get(call.campaign.id);
    if (!kept || call.state.phase !== 'dialing') return this.apply(call, { type: 'answered', at });
    kept.pool.noteAnswer(Date.now());
    const standby = takesStandbyAgent(call.state) ? this.takeStandby(call) : undefined;
    this.onStandbyAnswer?.(call.campaign.id, standby ? 'standby' : 'reserved');
    this.apply(call, standby ? { type: 'answered', at, standby } : { type: 'answered', at });
  }

  private hangupBy(call: LiveCall, event: EslEvent): HangupBy {
    if (call.agentHungUp) return 'agent';
    if (call.state.answeredAt === null) return 'network';
    const disposition = event.headers['variable_sip_hangup_disposition'];
    if (typeof disposition === 'string' && disposition.startsWith('recv_')) return 'customer';
    return 'system';
  }

  private onAgentLegGone(leg: AgentLeg): void {
    const callId = this.byAgentLeg.get(leg.uuid);
    if (!callId) return;
    this.byAgentLeg.delete(leg.uuid);
    const call = this.calls.get(callId);
    if (call) call.agentHungUp = true;
  }

  private apply(call: LiveCall, input: CallInput): void {
    const transition = advanceCall(call.state, input);
    const trace = this.traces.get(call.callId) ?? context.active();
    const before = call.state;
    call.state = transition.state;
    if (before.phase !== 'ended' && call.state.phase === 'ended') this.finish(call);
    // What the call's end reports; `call.ended` waits for it (whether it succeeded or not).
    const reports: Array<Promise<void>> = [];
    for (const effect of transition.effects) {
      const ran = context
        .with(trace, async () => {
          if (effect.type === 'publishEnded') await Promise.all(reports);
          await this.run(call, effect);
        })
        .catch((error: unknown) =>
          this.logger.error({
            msg: 'call effect failed',
            callId: call.callId,
            effect: effect.type,
            error: String(error),
          }),
        );
      if (END_REPORTS.has(effect.type)) reports.push(ran);
      if (effect.type === 'publishEnded') {
        this.ending.add(ran);
        void ran.finally(() => this.ending.delete(ran));
      }
    }
    // After the effects went out: a recording never delays the bridge.
    this.recording.follow(call);
  }

  private finish(call: LiveCall): void {
    if (call.timer) clearTimeout(call.timer);
    call.timer = undefined;
    this.calls.delete(call.callId);
    this.traces.delete(call.callId);
    const s = call.state;
    const fact = this.factListeners.get(call.campaign.id);
    if (s.answeredAt === null) fact?.({ type: 'noAnswer', at: s.endedAt! });
    else if (s.connectedAt !== null)
      fact?.({ type: 'ended', at: s.endedAt!, talkSec: secondsBetween(s.connectedAt, s.endedAt) });
  }

  private async run(call: LiveCall, effect: CallEffect): Promise<void> {
    const s = call.state;
    const fact = this.factListeners.get(call.campaign.id);
    const esl = () => this.nodes.connection(call.nodeId);
    switch (effect.type) {
      case 'publishAnswered': {
        const ringSec = secondsBetween(s.dialedAt, s.answeredAt);
        // A machine hung up on (or left the message) is not a live answer.
        if (s.phase === 'machine') fact?.({ type: 'machineDetected', at: s.answeredAt!, ringSec });
        else fact?.({ type: 'answered', at: s.answeredAt!, ringSec });
        call.answeredPublished = this.publish(call, callAnsweredEvent, {
          callId: call.callId,
          campaignId: call.campaign.id,
          answeredAt: iso(s.answeredAt),
          amd: s.amd ?? 'notRun',
          ...amdDetection(s),
          ...amdFalsePositiveRate(call),
        });
        await call.answeredPublished;
        return;
      }
      case 'stopAmd': {
        const stopped = esl().api(`uuid_broadcast ${call.callId} avmd_stop:: aleg`);
        this.markAmd(call, s.amd === 'machine' ? 'machine' : 'human');
        await stopped;
        return;
      }
      case 'hangupMachine':
        await this.verdictPublished(call);
        await esl().api(`uuid_kill ${call.callId} NORMAL_CLEARING`);
        return;
      case 'leaveMessage': {
        await this.verdictPublished(call);
        // After the beep (detection's verdict): the machine records the message, then the call
        // ends. The message's own dialplan marks the leg first (no extra round trip, and never
        // after the playback started), so a replica taking over does not leave it twice.
        const file = call.campaign.compliance?.amd.message?.audio ?? DEFAULT_IDENTIFICATION;
        const mark: AmdMark = 'message';
        await esl().api(
          `uuid_transfer ${call.callId} set:${CHANNEL_VARS.amd}=${mark},playback:${file},hangup:NORMAL_CLEARING inline`,
        );
        return;
      }
      case 'playIntro':
        await esl().api(
          `uuid_broadcast ${call.callId} ${call.campaign.introMessage?.audio ?? '/sounds/intro.wav'} aleg`,
        );
        return;
      case 'playHoldMusic':
        await esl().api(`uuid_broadcast ${call.callId} ${HOLD_MUSIC} aleg`);
        return;
      case 'reserveAgent':
        return this.reserve(call);
      case 'bridge': {
        this.byAgentLeg.set(effect.agent.agentLegUuid, call.callId);
        const reply = await esl()
          .api(`uuid_bridge ${call.callId} ${effect.agent.agentLegUuid}`)
          .catch((error: unknown) => `-ERR ${String(error)}`);
        if (!reply.startsWith('+OK')) {
          this.byAgentLeg.delete(effect.agent.agentLegUuid);
          this.apply(call, { type: 'bridgeFailed', at: Date.now() });
        }
        return;
      }
      case 'confirmReservation':
        await this.reservationChanges.confirm(effect.reservationId, call.callId);
        return;
      case 'releaseReservation':
        await this.reservationChanges.release(effect.reservationId);
        return;
      case 'publishAgentConnected': {
        const agent = s.agent!;
        fact?.({
          type: 'connected',
          at: s.connectedAt!,
          waitSec: secondsBetween(s.agentNeededAt, s.connectedAt),
        });
        await this.publish(call, callAgentConnectedEvent, {
          callId: call.callId,
          campaignId: call.campaign.id,
          contactId: call.contact.id,
          agentId: agent.agentId,
          extension: agent.extension,
          phone: call.contact.phone,
          connectedAt: iso(s.connectedAt),
          answerToAgentMs: Math.max(0, Math.round(s.connectedAt! - s.answeredAt!)),
          reservationId: agent.reservationId,
        });
        return;
      }
      case 'playIdentificationAndHangup': {
        const file = call.campaign.identificationMessage?.audio ?? DEFAULT_IDENTIFICATION;
        await esl().api(`uuid_transfer ${call.callId} playback:${file},hangup:NORMAL_CLEARING inline`);
        return;
      }
      case 'publishAbandoned':
        fact?.({ type: 'abandoned', at: s.abandonedAt ?? s.endedAt ?? Date.now() });
        await this.publish(call, callAbandonedEvent, {
          callId: call.callId,
          campaignId: call.campaign.id,
          answeredAt: iso(s.answeredAt),
          abandonedAt: iso(s.abandonedAt ?? s.endedAt),
          reason: s.abandonReason ?? 'noAgentWithinGrace',
          identificationPlayed: s.abandonReason === 'noAgentWithinGrace',
        });
        return;
      case 'agentCallEnded':
        await this.retry(() =>
          this.reservationChanges.callEnded(effect.reservationId, call.campaign.wrapUpSeconds, call.callId),
        );
        return;
      case 'recordOutcome':
        await this.retry(() =>
          this.outcomes.add({
            attemptId: call.contact.attemptId,
            dialerId: this.config.dialerId,
            outcome: effect.outcome,
            callId: call.callId,
            occurredAt: iso(s.endedAt),
            hangupCause: s.hangupCause ?? undefined,
            details: { node: call.nodeId },
          }),
        );
        call.outcomeRecorded = true;
        return;
      case 'publishEnded':
        await this.publish(call, callEndedEvent, {
          callId: call.callId,
          campaignId: call.campaign.id,
          attemptId: call.contact.attemptId,
          contactId: call.contact.id,
          dialerId: this.config.dialerId,
          node: call.nodeId,
          mode: call.mode,
          phone: call.contact.phone,
          outcome: s.outcome!,
          liveAnswer: s.answeredAt !== null && s.outcome !== 'machine',
          abandoned: s.outcome === 'abandoned',
          abandonReason: s.abandonReason,
          amd: s.amd ?? 'notRun',
          ...amdDetection(s),
          ...amdFalsePositiveRate(call),
          agentId: s.connectedAt !== null ? (s.agent?.agentId ?? null) : null,
          extension: s.connectedAt !== null ? (s.agent?.extension ?? null) : null,
          dialedAt: iso(s.dialedAt),
          answeredAt: s.answeredAt === null ? null : iso(s.answeredAt),
          connectedAt: s.connectedAt === null ? null : iso(s.connectedAt),
          endedAt: iso(s.endedAt),
          ringSeconds: secondsBetween(s.dialedAt, s.answeredAt ?? s.endedAt),
          holdSeconds: secondsBetween(s.agentNeededAt, s.connectedAt),
          talkSeconds: secondsBetween(s.connectedAt, s.endedAt),
          hangupCause: s.hangupCause ?? 'NORMAL_CLEARING',
          hangupBy: s.hangupBy ?? 'system',
          recordingPath: await this.recording.pathAtEnd(call),
        });
        return;
      case 'cancelRing':
        await esl().api(`uuid_kill ${call.callId} NO_ANSWER`);
        return;
      case 'wakeAt':
        if (call.timer) clearTimeout(call.timer);
        call.timer = setTimeout(
          () => this.apply(call, { type: 'tick', at: Date.now() }),
          Math.max(0, effect.at - Date.now()) + 1,
        );
        return;
    }
  }

  /**
   * Marks detection's verdict on the leg (`ats_amd`) for a replica that may take the call
   * over. By `bgapi`, not awaited: an `api` runs in the ESL connection's one thread, so an
   * `uuid_setvar` there would hold up the `uuid_bridge` sent right after it by a round trip;
   * a `bgapi` is acknowledged at once and runs beside it. A failure is logged: the take-over
   * would then find the leg still `detecting` and give the verdict again (a person at once).
   */
  private markAmd(call: LiveCall, mark: AmdMark): void {
    this.nodes
      .connection(call.nodeId)
      .bgapi(`uuid_setvar ${call.callId} ${CHANNEL_VARS.amd} ${mark}`)
      .then((job) => {
        if (!job.body.startsWith('+OK'))
          this.logger.warn({
            msg: 'could not mark the AMD verdict',
            callId: call.callId,
            mark,
            reply: job.body.trim(),
          });
      })
      .catch((error: unknown) =>
        this.logger.warn({
          msg: 'could not mark the AMD verdict',
          callId: call.callId,
          mark,
          error: String(error),
        }),
      );
  }

  /**
   * Asks agent-service for the longest-idle eligible agent; one without a parked leg on
   * this call's node cannot be bridged in milliseconds, so it goes back. While the grace
   * lasts and nobody is free, ask again every 100 ms.
   */
  private async reserve(call: LiveCall): Promise<void> {
    if (!NEEDS_AGENT.has(call.state.phase)) return;
    call.reserveAttempts++;
    // A standby agent first (a waiting customer, or detection), held at most 2 s of its 6.
    // While the campaign keeps them, a customer who found none waits for the next batch
    // (served the moment it lands, `serveWaiting`): one transaction for many agents
    // instead of a reservation per customer competing with the batches.
    const kept = this.standby.get(call.campaign.id);
    if (kept && TAKES_STANDBY_WAITING.has(call.state.phase) && kept.pool.active(Date.now())) {
      // (Only when one is held: the pool counts a take from an empty pool as a missed answer.)
      const standby = kept.pool.size > 0 ? this.takeStandby(call) : undefined;
      if (standby) return this.apply(call, { type: 'agentReserved', at: Date.now(), agent: standby });
      this.refillStandby(call.campaign, kept, Date.now());
      setTimeout(() => void this.reserve(call), RESERVE_RETRY_MS);
      return;
    }
    const reservationId = randomUUID();
    let agent: AgentAssignment | null = null;
    try {
      const request = (eligibleAgentIds: string[]) =>
        this.bus.request(reserveAgentRpc, {
          campaignId: call.campaign.id,
          reservationId,
          callId: call.callId,
          eligibleAgentIds,
          eligibleGroupIds: call.campaign.agentGroupId ? [call.campaign.agentGroupId] : [],
          timeoutMs: 5_000,
        });
      // The last tick's ready agents first (a small request), the whole list if none of them
      // is still free. A group campaign's members are agent-service's to find: no hint.
      const hint = call.campaign.agentGroupId ? undefined : this.candidates.get(call.campaign.id);
      const all = call.campaign.agents.map((a) => a.agentId);
      const narrowed = hint !== undefined && hint.length > 0 && hint.length < all.length;
      let reply = await request(narrowed ? hint : all);
      if (narrowed && reply.outcome !== 'reserved') reply = await request(all);
      if (reply.outcome === 'reserved') {
        const leg = this.agentLegs.legUpOn(reply.reservation.agentId, call.nodeId);
        if (leg) {
          agent = {
            agentId: leg.agentId,
            extension: reply.reservation.extension,
            reservationId: reply.reservation.reservationId,
            agentLegUuid: leg.uuid,
          };
        } else {
          await this.reservationChanges.release(reply.reservation.reservationId);
        }
      }
    } catch (error) {
      this.logger.warn({ msg: 'reserve failed', callId: call.callId, error: String(error) });
    }
    this.apply(call, { type: 'agentReserved', at: Date.now(), agent });
    if (!agent && NEEDS_AGENT.has(call.state.phase))
      setTimeout(() => void this.reserve(call), RESERVE_RETRY_MS);
  }

  private async retry<T>(operation: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation();
      } catch (error) {
        // A typed refusal will not change on retry; transport failures will.
        if (error instanceof AtsError && error.code !== 'TIMEOUT' && error.code !== 'UNAVAILABLE')
          throw error;
        if (attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, OUTCOME_RETRY_MS));
      }
    }
  }

  /**
   * Waits for the call's `call.answered` (published by the same transition, just before)
   * to reach the calls stream; a failed publish is logged by its own effect and does not
   * stop the machine's hang-up or message.
   */
  private async verdictPublished(call: LiveCall): Promise<void> {
    await call.answeredPublished?.catch(() => undefined);
  }

  private async publish<T extends string, P extends z.ZodType>(
    call: LiveCall,
    definition: EventDefinition<T, P>,
    payload: z.input<P>,
  ): Promise<void> {
    call.eventVersion++;
    const event = createEvent(definition, {
      id: deterministicUuid(`${call.callId}:${definition.type}`),
      aggregateId: call.callId,
      aggregateVersion: call.eventVersion,
      producer: `dialer:${this.config.dialerId}`,
      payload,
    });
    await this.bus.publishEvent(this.bus.topology.events.call(call.callId), event);
  }
}

/** A campaign's standby agents on this replica, and whether a batch request for more is out. */
interface StandbyKept {
  pool: StandbyPool;
  nodeId: string;
  /** Batch requests out now (at most MAX_STANDBY_BATCHES_OUT). */
  batchesOut: number;
}

/**
 * The dialer's standby pool holds the answers of the next second (the library's floor is
 * half a second): at 100 answers a second on a loaded 2-core stack, a half-second pool ran
 * dry between refills for one answer in four, and none was ever handed back unused. The
 * reservation's 6 s and the 2 s of use are the library's.
 */
export const STANDBY_SETTINGS: Partial<StandbySettings> = { horizonMs: 1_000 };

/** At most this many standby agents asked for in one request: one short transaction in agent-service. */
const MAX_STANDBY_BATCH = 50;
/** Batches out at once: a second overlaps the first's round trip (they lock different agents: SKIP LOCKED). */
const MAX_STANDBY_BATCHES_OUT = 2;

/** Phases in which a reservation is (still) wanted: detection and the intro reserve ahead. */
const NEEDS_AGENT = new Set<CallPhase>(['detecting', 'intro', 'waiting']);
/**
 * Phases in which a customer may get a standby agent while waiting: detection ends within
 * the grace, so the reservation is bridged and confirmed well within its 6 s; an intro
 * (6 s and more) would outlast it.
 */
const TAKES_STANDBY_WAITING = new Set<CallPhase>(['detecting', 'waiting']);

function amdDetection(s: CallState): { amdDetectionMs?: number } {
  if (s.amdDecidedAt === null || s.amdDecidedAt === undefined || s.answeredAt === null) return {};
  return { amdDetectionMs: Math.max(0, Math.round(s.amdDecidedAt - s.answeredAt)) };
}

/**
 * The campaign's AMD false-positive rate on the verdict and the record of a call AMD ran
 * on: reporting estimates the UK rule's unseen abandons from it (machine verdicts x rate).
 */
function amdFalsePositiveRate(call: LiveCall): { amdFalsePositiveRate?: number } {
  const s = call.state;
  if (s.amd === undefined || s.amd === 'notRun') return {};
  return { amdFalsePositiveRate: call.campaign.compliance?.amd.falsePositiveRate ?? 0 };
}

function iso(ms: number | null): string {
  return new Date(ms ?? Date.now()).toISOString();
}
