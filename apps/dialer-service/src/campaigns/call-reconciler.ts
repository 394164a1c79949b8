import { Injectable, Logger } from '@nestjs/common';
import { listAgentStatusesRpc, type Campaign } from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { CHANNEL_VARS, resumeCall } from '@autotelesale/dialer-domain';
import { AgentLegsService } from '../agents/agent-legs.service';
import { CallDriverService } from '../calls/call-driver.service';
import { FsNodesService } from '../telephony/fs-nodes.service';
import { findUnfinishedCalls } from './call-history';

/**
 * After a take-over: finds the old owner's legs of the campaign on every node
 * (`show channels as json`, then our channel variables), re-tags them with our dialer id
 * (`uuid_setvar`) so their events now pass our ESL filter, and resumes them: customer
 * legs are carried to their outcome (the old owner's attempt id), agent legs become ours.
 * Returns the node most of its agents' legs are on, where the campaign should go on.
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
      for (const row of await esl.showChannels()) {
        const owner = await esl.getVariable(row.uuid, CHANNEL_VARS.dialerId);
        if (owner !== previousOwner) continue;
        const role = await esl.getVariable(row.uuid, CHANNEL_VARS.role);
        if (role === 'agent') {
          const agentId = await esl.getVariable(row.uuid, CHANNEL_VARS.agentId);
          if (!agentId || !agentIds.has(agentId)) continue;
          await esl.api(`uuid_setvar ${row.uuid} ${CHANNEL_VARS.dialerId} ${this.nodes.dialerId}`);
          const extension =
            row.dest || statuses.items.find((a) => a.agentId === agentId)?.sessionExtension || '';
          this.agentLegs.adopt({ agentId, extension, uuid: row.uuid, nodeId, up: true });
          legsPerNode.set(nodeId, (legsPerNode.get(nodeId) ?? 0) + 1);
          continue;
        }
        if (role !== 'customer') continue;
        if ((await esl.getVariable(row.uuid, CHANNEL_VARS.campaignId)) !== campaign.id) continue;
        const attemptId = await esl.getVariable(row.uuid, CHANNEL_VARS.attemptId);
        const contactId = await esl.getVariable(row.uuid, CHANNEL_VARS.contactId);
        if (!attemptId || !contactId) continue;
        await esl.api(`uuid_setvar ${row.uuid} ${CHANNEL_VARS.dialerId} ${this.nodes.dialerId}`);
        const dialedAt = row.createdEpoch * 1000;
        const talking = statuses.items.find((a) => a.callId === row.uuid && a.state === 'on_call');
        const answered = row.callstate === 'ACTIVE' || row.callstate === 'HELD';
        const policy = { introMs: 0, graceMs: campaign.pacing.abandonGraceSeconds * 1000 };
        const state =
          talking && talking.reservationId
            ? resumeCall(row.uuid, policy, {
                phase: 'connected',
                dialedAt,
                answeredAt: dialedAt,
                connectedAt: Date.parse(talking.stateSince),
                agent: {
                  agentId: talking.agentId,
                  extension: talking.sessionExtension ?? '',
                  reservationId: talking.reservationId,
                  agentLegUuid: this.agentLegs.leg(talking.agentId)?.uuid ?? '',
                },
              })
            : answered
              ? resumeCall(row.uuid, policy, { phase: 'waiting', dialedAt, answeredAt: dialedAt })
              : resumeCall(row.uuid, policy, { phase: 'dialing', dialedAt });
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
      const policy = { introMs: 0, graceMs: campaign.pacing.abandonGraceSeconds * 1000 };
      const state = u.connected
        ? resumeCall(u.callId, policy, {
            phase: 'connected',
            dialedAt: u.dialedAt,
            answeredAt: u.answeredAt ?? u.connected.at,
            connectedAt: u.connected.at,
            agent: { ...u.connected, agentLegUuid: '' },
          })
        : u.answeredAt !== null
          ? resumeCall(u.callId, policy, { phase: 'waiting', dialedAt: u.dialedAt, answeredAt: u.answeredAt })
          : resumeCall(u.callId, policy, { phase: 'dialing', dialedAt: u.dialedAt });
      this.calls.closeLost(
        campaign,
        { id: u.contactId, attemptId: u.attemptId, phone: u.phone },
        u.node,
        state,
      );
      lost++;
    }
    this.logger.warn({
      lostWhileUnowned: lost,
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
}
