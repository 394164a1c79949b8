import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { AgentStatus } from '@autotelesale/contracts';
import { agentLegPlan, CHANNEL_VARS } from '@autotelesale/dialer-domain';
import type { EslEvent } from '@autotelesale/esl';
import { FsNodesService } from '../telephony/fs-nodes.service';

export interface AgentLeg {
  agentId: string;
  extension: string;
  uuid: string;
  nodeId: string;
  /** Answered and parked: a customer can be bridged to it. */
  up: boolean;
}

const WORKING = new Set(['not_ready', 'ready', 'reserved', 'on_call', 'wrap_up']);

/**
 * The agents' nailed-up legs: each logged-in agent's softphone is called once (it
 * auto-answers) and stays parked on the campaign's node between customers, so that a
 * customer is connected with one `uuid_bridge` (milliseconds) instead of a phone that
 * starts ringing only when the customer has already answered. A leg that drops is
 * called again on the next pass; an agent who logs out has their leg hung up.
 */
@Injectable()
export class AgentLegsService {
  private readonly logger = new Logger(AgentLegsService.name);
  private readonly legs = new Map<string, AgentLeg>();
  private readonly byUuid = new Map<string, AgentLeg>();
  /** Called when an agent leg goes away (with the uuid), so a call bridged to it knows. */
  onLegGone: (leg: AgentLeg) => void = () => undefined;

  constructor(private readonly nodes: FsNodesService) {
    nodes.onEvent((nodeId, event) => this.onEvent(nodeId, event));
  }

  leg(agentId: string): AgentLeg | undefined {
    return this.legs.get(agentId);
  }

  /** The agent's leg when it is up on `nodeId`: a customer there can be bridged to it in milliseconds. */
  legUpOn(agentId: string, nodeId: string): AgentLeg | undefined {
    const leg = this.legs.get(agentId);
    return leg && leg.up && leg.nodeId === nodeId ? leg : undefined;
  }

  /** Makes the legs match the agents' states: call in the working ones, hang up the logged-out. */
  sync(agents: readonly AgentStatus[], nodeId: string): void {
    for (const agent of agents) {
      let leg = this.legs.get(agent.agentId);
      // A leg on a switch we lost is no use: call the agent again on the campaign's node.
      if (leg && leg.nodeId !== nodeId && !this.nodes.healthyNodeIds().includes(leg.nodeId)) {
        this.forget(leg, 'its node is down');
        leg = undefined;
      }
      const working = WORKING.has(agent.state) && agent.sessionExtension !== null;
      if (working && !leg) this.call(agent.agentId, agent.sessionExtension!, nodeId);
      else if (!working && leg && agent.state === 'logged_out') void this.hangUp(leg);
    }
  }

  /** A leg the previous owner of a campaign placed, now ours (take-over). */
  adopt(leg: AgentLeg): void {
    this.legs.set(leg.agentId, leg);
    this.byUuid.set(leg.uuid, leg);
  }

  async hangUpAll(): Promise<void> {
    await Promise.all([...this.legs.values()].map((leg) => this.hangUp(leg)));
  }

  private call(agentId: string, extension: string, nodeId: string): void {
    const uuid = randomUUID();
    const leg: AgentLeg = { agentId, extension, uuid, nodeId, up: false };
    this.legs.set(agentId, leg);
    this.byUuid.set(uuid, leg);
    const plan = agentLegPlan({ legUuid: uuid, dialerId: this.nodes.dialerId, agentId, extension });
    this.nodes.originate(plan, nodeId).then(
      (result) => {
        if (result.ok) leg.up = true;
        else this.forget(leg, `originate failed: ${result.cause}`);
      },
      (error: unknown) => this.forget(leg, String(error)),
    );
  }

  private async hangUp(leg: AgentLeg): Promise<void> {
    this.forget(leg, 'logged out');
    try {
      await this.nodes.connection(leg.nodeId).api(`uuid_kill ${leg.uuid} NORMAL_CLEARING`);
    } catch {
      // Gone already or the node is down: nothing is left to hang up.
    }
  }

  private forget(leg: AgentLeg, why: string): void {
    if (this.legs.get(leg.agentId) === leg) this.legs.delete(leg.agentId);
    if (this.byUuid.delete(leg.uuid)) {
      this.logger.debug?.({ msg: 'agent leg gone', agentId: leg.agentId, why });
      this.onLegGone(leg);
    }
  }

  private onEvent(nodeId: string, event: EslEvent): void {
    if (event.kind !== 'hangup' || event.name !== 'CHANNEL_HANGUP_COMPLETE') return;
    if (event.variable(CHANNEL_VARS.role) !== 'agent') return;
    const leg = this.byUuid.get(event.uniqueId);
    if (leg && leg.nodeId === nodeId) this.forget(leg, event.hangupCause);
  }

  /** After a cut: legs no longer on the node hung up while we could not hear it. */
  async reconcileNode(nodeId: string): Promise<void> {
    const legs = [...this.legs.values()].filter((l) => l.nodeId === nodeId && l.up);
    if (legs.length === 0) return;
    const live = new Set((await this.nodes.connection(nodeId).showChannels()).map((r) => r.uuid));
    for (const leg of legs) if (!live.has(leg.uuid)) this.forget(leg, 'gone during an ESL cut');
  }

  /** A restarted node lost every leg on it. */
  forgetNode(nodeId: string): void {
    for (const leg of [...this.legs.values()]) if (leg.nodeId === nodeId) this.forget(leg, 'node restarted');
  }
}
