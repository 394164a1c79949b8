import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  Agent,
  AgentGroup,
  AgentStatus,
  CreateAgentRequest,
  CreateGroupRequest,
  IntervalsQuery,
  ListAgentStatusesRequest,
  ListAgentsQuery,
  ListAgentsReply,
  ListGroupsReply,
  NotReadyReasonCode,
  GatewayPageQuery,
  QueryIntervalsReply,
  SipExtension,
  UpdateAgentRequest,
  addGroupMembersRpc,
  completeWrapUpRpc,
  createAgentRpc,
  createGroupRpc,
  deleteAgentRpc,
  extendWrapUpRpc,
  getAgentRpc,
  getAgentStatusRpc,
  listAgentStatusesRpc,
  listAgentsRpc,
  listGroupsRpc,
  loginRpc,
  logoutRpc,
  notReadyRpc,
  queryIntervalsRpc,
  readyRpc,
  removeGroupMembersRpc,
  updateAgentRpc,
} from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { requireAgentAccess } from '../auth/access.util';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ApiZodBody, bodyObject, boundary } from '../http/boundary.util';
import { Idempotent } from '../http/idempotency.interceptor';
import { ZodParam, ZodQuery, ZodResponse } from '../http/zod.decorators';

const AgentId = z.uuid();
const ExpectedVersion = z.object({ expectedVersion: z.number().int().positive().optional() });
const LoginBody = z.object({ extension: SipExtension.optional() });
const NotReadyBody = ExpectedVersion.extend({ reasonCode: NotReadyReasonCode });
const ExtendWrapUpBody = ExpectedVersion.extend({ seconds: z.number().positive().max(3_600) });
const CompleteWrapUpBody = ExpectedVersion.extend({ notReadyReasonCode: NotReadyReasonCode.optional() });
const MembersBody = z.object({ agentIds: z.array(z.uuid()).min(1).max(10_000) });

/**
 * Agents, their groups, and their sessions and states (answered by agent-service). An
 * agent reaches its own session only: any other agent id is NOT_FOUND to it.
 */
@ApiTags('agents')
@Controller('api/v1')
export class AgentsController {
  constructor(private readonly bus: NatsBus) {}

  @Post('agents')
  @Roles('admin', 'supervisor')
  @Idempotent()
  @ApiZodBody(CreateAgentRequest)
  @ZodResponse(201, Agent)
  create(@Body() body: unknown) {
    return this.bus.request(createAgentRpc, boundary(CreateAgentRequest, bodyObject(body)));
  }

  @Get('agents')
  @Roles('admin', 'supervisor')
  @ZodResponse(200, ListAgentsReply)
  list(@ZodQuery(ListAgentsQuery) query: z.infer<typeof ListAgentsQuery>) {
    return this.bus.request(listAgentsRpc, query);
  }

  @Get('agents/:agentId')
  @Roles('admin', 'supervisor', 'agent')
  @ZodResponse(200, Agent)
  get(@ZodParam('agentId', AgentId) agentId: string, @CurrentPrincipal() principal: Principal) {
    requireAgentAccess(principal, [agentId]);
    return this.bus.request(getAgentRpc, { agentId });
  }

  @Patch('agents/:agentId')
  @Roles('admin', 'supervisor')
  @ApiZodBody(UpdateAgentRequest, ['agentId'])
  @ZodResponse(200, Agent)
  update(@ZodParam('agentId', AgentId) agentId: string, @Body() body: unknown) {
    return this.bus.request(updateAgentRpc, boundary(UpdateAgentRequest, { ...bodyObject(body), agentId }));
  }

  /** Only a logged-out agent can be deleted. */
  @Delete('agents/:agentId')
  @Roles('admin')
  @ZodResponse(200, z.object({ agentId: z.uuid(), deleted: z.literal(true) }))
  remove(@ZodParam('agentId', AgentId) agentId: string) {
    return this.bus.request(deleteAgentRpc, { agentId });
  }

  // ---- session and state -------------------------------------------------------------

  @Get('agents/:agentId/status')
  @Roles('admin', 'supervisor', 'agent')
  @ZodResponse(200, AgentStatus)
  status(@ZodParam('agentId', AgentId) agentId: string, @CurrentPrincipal() principal: Principal) {
    requireAgentAccess(principal, [agentId]);
    return this.bus.request(getAgentStatusRpc, { agentId });
  }

  @Post('agents/:agentId/login')
  @HttpCode(200)
  @Roles('admin', 'supervisor', 'agent')
  @ApiZodBody(LoginBody)
  @ZodResponse(200, AgentStatus)
  login(
    @ZodParam('agentId', AgentId) agentId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    requireAgentAccess(principal, [agentId]);
    return this.bus.request(loginRpc, { agentId, ...boundary(LoginBody, bodyObject(body)) });
  }

  @Post('agents/:agentId/logout')
  @HttpCode(200)
  @Roles('admin', 'supervisor', 'agent')
  @ApiZodBody(ExpectedVersion)
  @ZodResponse(200, AgentStatus)
  logout(
    @ZodParam('agentId', AgentId) agentId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    requireAgentAccess(principal, [agentId]);
    return this.bus.request(logoutRpc, { agentId, ...boundary(ExpectedVersion, bodyObject(body)) });
  }

  @Post('agents/:agentId/ready')
  @HttpCode(200)
  @Roles('admin', 'supervisor', 'agent')
  @ApiZodBody(ExpectedVersion)
  @ZodResponse(200, AgentStatus)
  ready(
    @ZodParam('agentId', AgentId) agentId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    requireAgentAccess(principal, [agentId]);
    return this.bus.request(readyRpc, { agentId, ...boundary(ExpectedVersion, bodyObject(body)) });
  }

  @Post('agents/:agentId/not-ready')
  @HttpCode(200)
  @Roles('admin', 'supervisor', 'agent')
  @ApiZodBody(NotReadyBody)
  @ZodResponse(200, AgentStatus)
  notReady(
    @ZodParam('agentId', AgentId) agentId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    requireAgentAccess(principal, [agentId]);
    return this.bus.request(notReadyRpc, { agentId, ...boundary(NotReadyBody, bodyObject(body)) });
  }

  @Post('agents/:agentId/wrap-up/extend')
  @HttpCode(200)
  @Roles('admin', 'supervisor', 'agent')
  @ApiZodBody(ExtendWrapUpBody)
  @ZodResponse(200, AgentStatus)
  extendWrapUp(
    @ZodParam('agentId', AgentId) agentId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    requireAgentAccess(principal, [agentId]);
    return this.bus.request(extendWrapUpRpc, { agentId, ...boundary(ExtendWrapUpBody, bodyObject(body)) });
  }

  @Post('agents/:agentId/wrap-up/complete')
  @HttpCode(200)
  @Roles('admin', 'supervisor', 'agent')
  @ApiZodBody(CompleteWrapUpBody)
  @ZodResponse(200, AgentStatus)
  completeWrapUp(
    @ZodParam('agentId', AgentId) agentId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    requireAgentAccess(principal, [agentId]);
    return this.bus.request(completeWrapUpRpc, {
      agentId,
      ...boundary(CompleteWrapUpBody, bodyObject(body)),
    });
  }

  /** Time in each state, per campaign, within [from, to). */
  @Get('agents/:agentId/intervals')
  @Roles('admin', 'supervisor', 'agent')
  @ZodResponse(200, QueryIntervalsReply)
  intervals(
    @ZodParam('agentId', AgentId) agentId: string,
    @ZodQuery(IntervalsQuery) query: z.infer<typeof IntervalsQuery>,
    @CurrentPrincipal() principal: Principal,
  ) {
    requireAgentAccess(principal, [agentId]);
    return this.bus.request(queryIntervalsRpc, { agentId, ...query });
  }

  /** The wallboard's view: live states of the agents named, or of all. */
  @Post('agent-statuses/query')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  @ApiZodBody(ListAgentStatusesRequest)
  @ZodResponse(200, z.object({ items: z.array(AgentStatus) }))
  statuses(@Body() body: unknown) {
    return this.bus.request(listAgentStatusesRpc, boundary(ListAgentStatusesRequest, bodyObject(body)));
  }

  // ---- groups --------------------------------------------------------------------------

  @Post('agent-groups')
  @Roles('admin', 'supervisor')
  @Idempotent()
  @ApiZodBody(CreateGroupRequest)
  @ZodResponse(201, AgentGroup)
  createGroup(@Body() body: unknown) {
    return this.bus.request(createGroupRpc, boundary(CreateGroupRequest, bodyObject(body)));
  }

  @Get('agent-groups')
  @Roles('admin', 'supervisor')
  @ZodResponse(200, ListGroupsReply)
  listGroups(@ZodQuery(GatewayPageQuery) query: GatewayPageQuery) {
    return this.bus.request(listGroupsRpc, query);
  }

  @Post('agent-groups/:groupId/members')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  @ApiZodBody(MembersBody)
  @ZodResponse(200, AgentGroup)
  addMembers(@ZodParam('groupId', z.uuid()) groupId: string, @Body() body: unknown) {
    return this.bus.request(addGroupMembersRpc, { groupId, ...boundary(MembersBody, bodyObject(body)) });
  }

  @Post('agent-groups/:groupId/members/remove')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  @ApiZodBody(MembersBody)
  @ZodResponse(200, AgentGroup)
  removeMembers(@ZodParam('groupId', z.uuid()) groupId: string, @Body() body: unknown) {
    return this.bus.request(removeGroupMembersRpc, { groupId, ...boundary(MembersBody, bodyObject(body)) });
  }
}
