import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ManualDialReply, PreviewAcceptReply, PreviewSkipReply } from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ApiZodBody, bodyObject } from '../http/boundary.util';
import { ZodParam, ZodResponse } from '../http/zod.decorators';
import {
  AgentDialingUseCase,
  DialingAgentIds,
  ManualDialFields,
  PreviewDecisionFields,
  PreviewIds,
} from './agent-dialing.use-case';

/** What every agent dialing route answers besides 200, in the OpenAPI document. */
const REFUSALS =
  'An agent acts for itself only (another agent id: 404); supervisors, admins and API keys for any agent. ' +
  'Bad ids or fields: 400 naming each. Refusals: 409 with `details.reason`.';

const AgentId = DialingAgentIds.shape.agentId;
const PreviewId = PreviewIds.shape.previewId;

/**
 * An agent's dialing on manual and preview campaigns (answered by the dialer that owns
 * the campaign): click to dial the next contact, or a chosen one (`contactId`, the CRM's
 * click-to-call: 404 when it is not the campaign's); accept or skip the contact shown in a
 * preview (`call.previewOffered`). An agent acts for itself only (any other agent id is
 * NOT_FOUND); supervisors and admins may act for any agent. Refusals are 409 with
 * `details.reason` (AGENT_NOT_READY, CAMPAIGN_NOT_MANUAL, CAMPAIGN_NOT_PREVIEW,
 * CAMPAIGN_NOT_RUNNING, NO_CONTACT_DIALABLE, DIALER_DRAINING, and for a chosen contact
 * CONTACT_LEASED, CONTACT_DONE, CONTACT_NOT_YOURS, CONTACT_NOT_COMPLIANT). The checks
 * and the request to the dialer are `AgentDialingUseCase`'s, shared with the gRPC
 * methods `AgentService/ManualDial`, `AcceptPreview`, `SkipPreview`.
 */
@ApiTags('agents')
@Controller('api/v1/agents/:agentId')
@Roles('admin', 'supervisor', 'agent')
export class AgentDialingController {
  private readonly dialing: AgentDialingUseCase;

  constructor(bus: NatsBus) {
    this.dialing = new AgentDialingUseCase(bus);
  }

  /** Manual: reserve the agent, lease the next contact (or `contactId`) for them, dial it (they hear the ringback). */
  @Post('manual-dial')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Manual mode: dial the next contact, or `contactId` (click-to-call), for the agent',
    description: `${REFUSALS} A \`contactId\` not of the campaign: 404. Also over gRPC: \`AgentService/ManualDial\`.`,
  })
  @ApiZodBody(ManualDialFields)
  @ZodResponse(200, ManualDialReply)
  manualDial(
    @ZodParam('agentId', AgentId) agentId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.dialing.manualDial(principal, { agentId }, bodyObject(body));
  }

  /** Preview: dial the contact shown now. */
  @Post('previews/:previewId/accept')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Preview mode: dial the contact shown now',
    description: `${REFUSALS} A preview that is not (or no longer) the agent's: 404. Also over gRPC: \`AgentService/AcceptPreview\`.`,
  })
  @ApiZodBody(PreviewDecisionFields)
  @ZodResponse(200, PreviewAcceptReply)
  acceptPreview(
    @ZodParam('agentId', AgentId) agentId: string,
    @ZodParam('previewId', PreviewId) previewId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.dialing.acceptPreview(principal, { agentId, previewId }, bodyObject(body));
  }

  /** Preview: not this contact now; it gets a `skipped` outcome and comes back per the campaign's rules. */
  @Post('previews/:previewId/skip')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Preview mode: not this contact now (a `skipped` outcome; it comes back)',
    description: `${REFUSALS} A preview that is not (or no longer) the agent's: 404. Also over gRPC: \`AgentService/SkipPreview\`.`,
  })
  @ApiZodBody(PreviewDecisionFields)
  @ZodResponse(200, PreviewSkipReply)
  skipPreview(
    @ZodParam('agentId', AgentId) agentId: string,
    @ZodParam('previewId', PreviewId) previewId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.dialing.skipPreview(principal, { agentId, previewId }, bodyObject(body));
  }
}
