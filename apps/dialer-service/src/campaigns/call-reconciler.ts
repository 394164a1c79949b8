import { Injectable, Logger } from '@nestjs/common';
import {
  listAgentStatusesRpc,
  confirmReservationRpc,
  releaseReservationRpc,
  type AgentStatus,
  type Campaign,
} from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import {
  CHANNEL_VARS,
  IDENTIFICATION_MESSAGE_LEAD_MS,
  resumeCall,
  type AgentAssignment,
  type CallState,
  type CallTimingPolicy,
} from '@autotelesale/dialer-domain';
import type { ChannelRow, EslConnection } from '@autotelesale/esl';
import { AgentLegsService } from '../agents/agent-legs.service';
import { amdWindowMs, CallDriverService, INTRO_MS } from '../calls/call-driver.service';
import { amdProgressOf, parseChannelDump, type ChannelDump } from '../calls/channel-dump';
import { FsNodesService } from '../telephony/fs-nodes.service';
import { findUnfinishedCalls, type UnfinishedCall } from './call-history';

/**
 * After a take-over: finds the old owner's legs of the campaign on every node
 * (`show channels as json`, `uuid_getvar ats_dialer_id` to skip other replicas' legs, then
 * one `uuid_dump` per leg of the old owner for all our channel variables), re-tags them
 * with our dialer id (`uuid_setvar`) so their events now pass our ESL filter, and resumes
 * them: customer legs are carried to their outcome (the old owner's attempt id) from where
 * they stood, answering-machine detection and the machine message included (`ats_amd`),
 * agent legs become ours. Returns the node most of its agents' legs are on, where the
 * campaign should go on.
 */
@Injectable()
export class CallReconciler {
  private readonly logger = new Logger(CallReconciler.name);

  constructor(
    private readonly bus: NatsBus,
    private readonly nodes: FsNodesService,
    private readonly calls: CallDriverService,
    private readonly agentLegs: AgentLegsService,
  ) {}

  async adopt(campaign: Campaign, previousOwner: string, ownedSince: number): Promise<string | undefined> {
    const statuses = await this.bus.request(listAgentStatusesRpc, {
      agentIds: campaign.agents.length > 0 ? campaign.agents.map((a) => a.agentId) : undefined,
      groupIds: campaign.agentGroupId ? [campaign.agentGroupId] : undefined,
    });
    const agentIds = new Set(statuses.items.map((a) => a.agentId));
    const legsPerNode = new Map<string, number>();
    let customers = 0;
    for (const nodeId of this.nodes.healthyNodeIds()) {
      const esl = this.nodes.connection(nodeId);
      const legs: Array<{ row: ChannelRow; dump: ChannelDump }> = [];
      for (const row of await esl.showChannels()) {
        if ((await esl.getVariable(row.uuid, CHANNEL_VARS.dialerId)) !== previousOwner) continue;
        const dump = parseChannelDump(await esl.api(`uuid_dump ${row.uuid} json`));
        if (dump) legs.push({ row, dump });
      }
      // Agent legs first: a call carried with the agent reserved for it needs that agent's leg.
      for (const { row, dump } of legs) {
        if (dump.variable(CHANNEL_VARS.role) !== 'agent') continue;
        const agentId = dump.variable(CHANNEL_VARS.agentId);
        if (!agentId || !agentIds.has(agentId)) continue;
        if (!(await this.retag(esl, row.uuid))) continue;
        const extension =
          row.dest || statuses.items.find((a) => a.agentId === agentId)?.sessionExtension || '';
        this.agentLegs.adopt({ agentId, extension, uuid: row.uuid, nodeId, up: true });
        legsPerNode.set(nodeId, (legsPerNode.get(nodeId) ?? 0) + 1);
      }
      for (const { row, dump } of legs) {
        if (dump.variable(CHANNEL_VARS.role) !== 'customer') continue;
        if (dump.variable(CHANNEL_VARS.campaignId) !== campaign.id) continue;
        const attemptId = dump.variable(CHANNEL_VARS.attemptId);
        const contactId = dump.variable(CHANNEL_VARS.contactId);
        if (!attemptId || !contactId) continue;
        if (!(await this.retag(esl, row.uuid))) continue;
        const state = await this.rebuild(campaign, nodeId, row, dump, statuses.items);
        const phone = row.dest.startsWith('+') ? row.dest : `+${row.dest}`;
        this.calls.adopt(campaign, { id: contactId, attemptId, phone }, nodeId, state);
        customers++;
      }
    }
    // Calls of the old owner that ended while nobody owned the campaign: the switch forgot
    // them, the calls stream did not. Each gets its outcome and its agent its wrap-up.
    const adopted = new Set(this.calls.liveCalls(campaign.id).map((c) => c.callId));
    let lost = 0;
    for (const u of await findUnfinishedCalls(
      this.bus,
      campaign.id,
      previousOwner,
      new Date(ownedSince - 60_000),
    )) {
      if (adopted.has(u.callId)) continue;
      const state = lostCallState(campaign, u);
      this.calls.closeLost(
        campaign,
        { id: u.contactId, attemptId: u.attemptId, phone: u.phone },
        u.node,
        state,
      );
      lost++;
    }
    const released = await this.releaseOrphans(campaign, statuses.items);
    this.logger.warn({
      lostWhileUnowned: lost,
      reservationsReleased: released,
      msg: 'took campaign over',
      campaignId: campaign.id,
      previousOwner,
      customers,
      agentLegs: [...legsPerNode.values()].reduce((a, b) => a + b, 0),
    });
    let best: string | undefined;
    for (const [nodeId, n] of legsPerNode) if (!best || n > legsPerNode.get(best)!) best = nodeId;
    return best;
  }

  /**
   * The old owner's reservations for the campaign that no call carried over (an agent
   * reserved before a lease that never came back, a standby agent, a preview shown, the
   * agent of a call that ended while nobody owned it) go back now: otherwise the agent
   * waits for the reservation's expiry, up to the ring timeout plus 15 s. Only the owner
   * reserves for a campaign, and this replica starts pacing it only after the adoption.
   */
  private async releaseOrphans(campaign: Campaign, statuses: AgentStatus[]): Promise<number> {
    const carried = new Set(
      this.calls
        .liveCalls(campaign.id)
        .map((c) => c.state.agent?.reservationId)
        .filter((id) => id !== undefined),
    );
    const orphans = statuses.filter(
      (a) =>
        a.state === 'reserved' &&
        a.campaignId === campaign.id &&
        a.reservationId !== null &&
        !carried.has(a.reservationId),
    );
    const results = await Promise.allSettled(
      orphans.map((a) => this.bus.request(releaseReservationRpc, { reservationId: a.reservationId! })),
    );
    for (const [i, r] of results.entries())
      if (r.status === 'rejected')
        this.logger.warn({
          msg: 'could not release a reservation of the previous owner',
          campaignId: campaign.id,
          agentId: orphans[i]!.agentId,
          error: String(r.reason),
        });
    return results.filter((r) => r.status === 'fulfilled').length;
  }

  /** Our dialer id on the leg, so its events pass our filter; false: the leg is gone. */
  private async retag(esl: EslConnection, uuid: string): Promise<boolean> {
    const reply = await esl.api(`uuid_setvar ${uuid} ${CHANNEL_VARS.dialerId} ${this.nodes.dialerId}`);
    return reply.startsWith('+OK');
  }

  /**
   * The call's state from the switch and agent-service: ringing, talking to an agent,
   * in detection (`ats_amd=detecting`: a beep heard meanwhile is the verdict; the agent
   * reserved for it carried), leaving the machine message, or waiting for an agent.
   */
  private async rebuild(
    campaign: Campaign,
    nodeId: string,
    row: ChannelRow,
    dump: ChannelDump,
    statuses: AgentStatus[],
  ): Promise<CallState> {
    const dialedAt = row.createdEpoch * 1000;
    const graceMs = campaign.pacing.abandonGraceSeconds * 1000;
    const policy = { introMs: 0, graceMs, messageLeadMs: IDENTIFICATION_MESSAGE_LEAD_MS };
    let amd = amdProgressOf(dump);
    const answeredAt = amd.answeredAt ?? dialedAt;
    const verdict = amd.mark === 'human' || amd.mark === 'machine' ? { amd: amd.mark } : {};
    const talking = statuses.find((a) => a.callId === row.uuid && a.state === 'on_call');
    if (talking && talking.reservationId)
      return resumeCall(row.uuid, policy, {
        phase: 'connected',
        dialedAt,
        answeredAt,
        connectedAt: Date.parse(talking.stateSince),
        agent: {
          agentId: talking.agentId,
          extension: talking.sessionExtension ?? '',
          reservationId: talking.reservationId,
          agentLegUuid: this.agentLegs.leg(talking.agentId)?.uuid ?? '',
        },
        ...verdict,
      });
    const bridged = this.bridgedUnconfirmed(row, dump, statuses);
    if (bridged) {
      // Bridged by the old owner, which died before agent-service heard its confirm (the
      // dialer sends confirms a few milliseconds after the bridge): the switch says who
      // the customer talks to, and the taker confirms in its place.
      await this.bus
        .request(confirmReservationRpc, { reservationId: bridged.reservationId, callId: row.uuid })
        .catch((error: unknown) =>
          this.logger.warn({
            msg: 'could not confirm a bridged call',
            callId: row.uuid,
            error: String(error),
          }),
        );
      return resumeCall(row.uuid, policy, {
        phase: 'connected',
        dialedAt,
        answeredAt,
        connectedAt: Date.now(),
        agent: bridged,
        ...verdict,
      });
    }
    if (row.callstate !== 'ACTIVE' && row.callstate !== 'HELD') {
      // Ringing: detection on the answer if it was dialed with it, with the agent it was
      // dialed for (progressive; manual and preview bridge on early media, not carried).
      const mayCarry = campaign.mode === 'progressive' || campaign.mode === 'predictive';
      return resumeCall(row.uuid, amd.mark === 'detecting' ? detectingPolicy(campaign) : policy, {
        phase: 'dialing',
        dialedAt,
        agent: mayCarry ? await this.carriedReservation(row.uuid, dump, nodeId, statuses) : null,
      });
    }
    if (amd.mark === 'message')
      return resumeCall(row.uuid, policy, { phase: 'machineMessage', dialedAt, answeredAt });
    if (amd.mark !== 'detecting')
      return resumeCall(row.uuid, policy, { phase: 'waiting', dialedAt, answeredAt, ...verdict });
    // A beep between the dump and the re-tag reached nobody: read it again now that its
    // events reach us (one more round trip, for legs in detection only).
    if (amd.beepAt === null) {
      const again = parseChannelDump(await this.nodes.connection(nodeId).api(`uuid_dump ${row.uuid} json`));
      if (again) amd = amdProgressOf(again);
    }
    return resumeCall(row.uuid, detectingPolicy(campaign), {
      phase: 'detecting',
      dialedAt,
      answeredAt,
      takenOverAt: Date.now(),
      beepAt: amd.beepAt,
      agent: await this.carriedReservation(row.uuid, dump, nodeId, statuses),
    });
  }

  /**
   * The agent a live customer leg is bridged to (`bridge_uuid`: one of the agent legs
   * adopted) while agent-service still has that agent reserved, not on the call.
   */
  private bridgedUnconfirmed(
    row: ChannelRow,
    dump: ChannelDump,
    statuses: AgentStatus[],
  ): AgentAssignment | null {
    const agentLeg = row.callstate === 'ACTIVE' ? dump.variable('bridge_uuid') : undefined;
    if (!agentLeg) return null;
    const held = statuses.find(
      (a) => a.state === 'reserved' && a.reservationId && this.agentLegs.leg(a.agentId)?.uuid === agentLeg,
    );
    if (!held?.reservationId) return null;
    return {
      agentId: held.agentId,
      extension: held.sessionExtension ?? this.agentLegs.leg(held.agentId)?.extension ?? '',
      reservationId: held.reservationId,
      agentLegUuid: agentLeg,
    };
  }

  /**
   * The agent the dead owner reserved for a call in detection (by call id, or the
   * `ats_reservation_id` an agent-first leg was dialed with), carried when its leg is on
   * the call's node (bridged in milliseconds if a person); otherwise given back now rather
   * than held until the reservation expires.
   */
  private async carriedReservation(
    callId: string,
    dump: ChannelDump,
    nodeId: string,
    statuses: AgentStatus[],
  ): Promise<AgentAssignment | null> {
    // Reserved for the call (predictive: during detection), or the one it was dialed for (progressive).
    const dialedFor = dump.variable(CHANNEL_VARS.reservationId);
    const reserved = statuses.find(
      (a) =>
        a.state === 'reserved' &&
        a.reservationId &&
        (a.callId === callId || (dialedFor !== undefined && a.reservationId === dialedFor)),
    );
    if (!reserved?.reservationId) return null;
    const leg = this.agentLegs.legUpOn(reserved.agentId, nodeId);
    if (leg)
      return {
        agentId: reserved.agentId,
        extension: reserved.sessionExtension ?? leg.extension,
        reservationId: reserved.reservationId,
        agentLegUuid: leg.uuid,
      };
    await this.bus
      .request(releaseReservationRpc, { reservationId: reserved.reservationId })
      .catch((error: unknown) =>
        this.logger.warn({ msg: 'could not release a reservation', callId, error: String(error) }),
      );
    return null;
  }
}

/**
 * A call that ended while nobody owned its campaign, as far as the calls stream tells: it
 * is then closed (`closeLost`) from this state. A machine hung up on or left the message
 * ends as a machine, never as an abandon.
 */
function lostCallState(campaign: Campaign, u: UnfinishedCall): CallState {
  const policy = { introMs: 0, graceMs: campaign.pacing.abandonGraceSeconds * 1000 };
  const { dialedAt, answeredAt } = u;
  if (u.connected)
    return resumeCall(u.callId, policy, {
      phase: 'connected',
      dialedAt,
      answeredAt: answeredAt ?? u.connected.at,
      connectedAt: u.connected.at,
      agent: { ...u.connected, agentLegUuid: '' },
    });
  if (answeredAt === null) return resumeCall(u.callId, policy, { phase: 'dialing', dialedAt });
  if (u.amd === 'machine' && campaign.compliance?.amd.action !== 'passToAgent')
    return resumeCall(u.callId, policy, { phase: 'machineMessage', dialedAt, answeredAt });
  const verdict = u.amd === 'human' || u.amd === 'machine' ? { amd: u.amd } : {};
  return resumeCall(u.callId, policy, { phase: 'waiting', dialedAt, answeredAt, ...verdict });
}

/**
 * The policy of a leg dialed with detection, as the old owner dialed it: the campaign's
 * action (a campaign that turned AMD off since still never sends a machine to an agent).
 */
function detectingPolicy(campaign: Campaign): CallTimingPolicy {
  const graceMs = campaign.pacing.abandonGraceSeconds * 1000;
  const settings = campaign.compliance?.amd;
  return {
    introMs: campaign.introMessage ? INTRO_MS : 0,
    graceMs,
    messageLeadMs: IDENTIFICATION_MESSAGE_LEAD_MS,
    amd: {
      action: settings?.action ?? 'hangup',
      hasMessage: Boolean(settings?.message?.audio),
      windowMs: amdWindowMs(graceMs),
    },
  };
}
