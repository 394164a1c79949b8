import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import {
  addGroupMembersRpc,
  callEndedRpc,
  changeReservationsRpc,
  completeWrapUpRpc,
  confirmReservationRpc,
  createAgentRpc,
  createGroupRpc,
  deleteAgentRpc,
  deleteGroupRpc,
  extendWrapUpRpc,
  getAgentRpc,
  getAgentStatusRpc,
  getGroupRpc,
  getReservationRpc,
  listAgentStatusesRpc,
  listAgentsRpc,
  listGroupsRpc,
  loginRpc,
  logoutRpc,
  notReadyRpc,
  queryIntervalsRpc,
  readyRpc,
  releaseReservationRpc,
  removeGroupMembersRpc,
  reserveAgentRpc,
  reserveAgentsRpc,
  updateAgentRpc,
  updateGroupRpc,
  type RpcDefinition,
} from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import type { z } from 'zod';
import { AgentGroupsUseCases } from '../agents/agent-groups.use-cases';
import { AgentProfilesUseCases } from '../agents/agent-profiles.use-cases';
import { QueryIntervalsUseCase } from '../intervals/query-intervals.use-case';
import { ReservationLifecycleUseCases } from '../reservations/reservation-lifecycle.use-cases';
import { ReserveAgentUseCase } from '../reservations/reserve-agent.use-case';
import { AgentStatesUseCases } from '../states/agent-states.use-cases';
import { errorBodyOf, toAtsError } from './to-ats-error';

/** The NATS adapter of agent-service: validates (the bus does), calls one use case, maps errors. */
@Injectable()
export class AgentRpcHandlers implements OnApplicationBootstrap {
  constructor(
    private readonly bus: NatsBus,
    private readonly profiles: AgentProfilesUseCases,
    private readonly groups: AgentGroupsUseCases,
    private readonly states: AgentStatesUseCases,
    private readonly reserveAgent: ReserveAgentUseCase,
    private readonly reservations: ReservationLifecycleUseCases,
    private readonly intervals: QueryIntervalsUseCase,
  ) {}

  onApplicationBootstrap(): void {
    this.serve(createAgentRpc, (r) => this.profiles.create(r));
    this.serve(getAgentRpc, (r) => this.profiles.get(r.agentId));
    this.serve(listAgentsRpc, (r) => this.profiles.list(r));
    this.serve(updateAgentRpc, (r) => this.profiles.update(r));
    this.serve(deleteAgentRpc, (r) => this.profiles.delete(r.agentId));

    this.serve(createGroupRpc, (r) => this.groups.create(r));
    this.serve(getGroupRpc, (r) => this.groups.get(r.groupId));
    this.serve(listGroupsRpc, (request) => this.groups.list(request));
    this.serve(updateGroupRpc, (r) => this.groups.rename(r.groupId, r.name));
    this.serve(deleteGroupRpc, (r) => this.groups.delete(r.groupId));
    this.serve(addGroupMembersRpc, (r) => this.groups.addMembers(r.groupId, r.agentIds));
    this.serve(removeGroupMembersRpc, (r) => this.groups.removeMembers(r.groupId, r.agentIds));

    this.serve(loginRpc, (r) => this.states.login(r.agentId, r.extension));
    this.serve(logoutRpc, (r) => this.states.logout(r.agentId, r.expectedVersion));
    this.serve(readyRpc, (r) => this.states.ready(r.agentId, r.expectedVersion));
    this.serve(notReadyRpc, (r) => this.states.notReady(r.agentId, r.reasonCode, r.expectedVersion));
    this.serve(getAgentStatusRpc, (r) => this.states.get(r.agentId));
    this.serve(listAgentStatusesRpc, (r) => this.states.list(r));
    this.serve(extendWrapUpRpc, (r) => this.states.extendWrapUp(r.agentId, r.seconds, r.expectedVersion));
    this.serve(completeWrapUpRpc, (r) =>
      this.states.completeWrapUp(r.agentId, r.notReadyReasonCode, r.expectedVersion),
    );

    this.serve(reserveAgentRpc, (r) => this.reserveAgent.execute(r));
    this.serve(reserveAgentsRpc, (r) => this.reserveAgent.executeMany(r));
    this.serve(confirmReservationRpc, (r) => this.reservations.confirm(r.reservationId, r.callId));
    this.serve(releaseReservationRpc, (r) => this.reservations.release(r.reservationId));
    this.serve(getReservationRpc, (r) => this.reservations.get(r.reservationId));
    this.serve(callEndedRpc, (r) => this.reservations.callEnded(r.reservationId, r.wrapUpSeconds, r.callId));
    this.serve(changeReservationsRpc, async (r) => ({
      results: (await this.reservations.changeMany(r.changes)).map((outcome) =>
        'ok' in outcome ? { ok: outcome.ok } : { error: errorBodyOf(outcome.error) },
      ),
    }));

    this.serve(queryIntervalsRpc, (r) => this.intervals.execute(r));
  }

  private serve<TReq extends z.ZodType, TRes extends z.ZodType>(
    rpc: RpcDefinition<TReq, TRes>,
    handler: (request: z.output<TReq>) => Promise<z.input<TRes>>,
  ): void {
    this.bus.serve(rpc, async (request) => {
      try {
        return await handler(request);
      } catch (error) {
        throw toAtsError(error);
      }
    });
  }
}
