import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  ManualDialReply,
  PreviewAcceptReply,
  PreviewSkipReply,
  dialerAgentRpcs,
} from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { requireAgentAccess } from '../auth/access.util';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ApiZodBody, bodyObject, boundary } from '../http/boundary.util';
import { ZodParam, ZodResponse } from '../http/zod.decorators';

const AgentId = z.uuid();
const PreviewId = z.uuid();
const CampaignBody = z.object({ campaignId: z.uuid() }).strict();
/** `contactId`: dial this contact of the campaign (click-to-call) instead of the next one. */
const ManualDialBody = CampaignBody.extend({ contactId: z.uuid().optional() }).strict();

/**
 * An agent's dialing on manual and preview campaigns (answered by the dialer that owns
 * the campaign): click to dial the next contact, or a chosen one (`contactId`, the CRM's
 * click-to-call: 404 when it is not the campaign's); accept or skip the contact shown in a
 * preview (`call.previewOffered`). An agent acts for itself only (any other agent id is
 * NOT_FOUND); supervisors and admins may act for any agent. Refusals are 409 with
 * `details.reason` (AGENT_NOT_READY, CAMPAIGN_NOT_MANUAL, CAMPAIGN_NOT_PREVIEW,
 * CAMPAIGN_NOT_RUNNING, NO_CONTACT_DIALABLE, DIALER_DRAINING, and for a chosen contact
 * CONTACT_LEASED, CONTACT_DONE, CONTACT_NOT_YOURS, CONTACT_NOT_COMPLIANT).
 */
@ApiTags('agents')
@Controller('api/v1/agents/:agentId')
@Roles('admin', 'supervisor', 'agent')
export class AgentDialingController {
  constructor(private readonly bus: NatsBus) {}

  /** Manual: reserve the agent, lease the next contact (or `contactId`) for them, dial it (they hear the ringback). */
  @Post('manual-dial')
  @HttpCode(200)
  @ApiZodBody(ManualDialBody)
  @ZodResponse(200, ManualDialReply)
  manualDial(
    @ZodParam('agentId', AgentId) agentId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    requireAgentAccess(principal, [agentId]);
    return this.bus.request(dialerAgentRpcs.manualDial, {
      agentId,
      ...boundary(ManualDialBody, bodyObject(body)),
    });
  }

  /** Preview: dial the contact shown now. */
  @Post('previews/:previewId/accept')
  @HttpCode(200)
  @ApiZodBody(CampaignBody)
  @ZodResponse(200, PreviewAcceptReply)
  acceptPreview(
    @ZodParam('agentId', AgentId) agentId: string,
    @ZodParam('previewId', PreviewId) previewId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    requireAgentAccess(principal, [agentId]);
    return this.bus.request(dialerAgentRpcs.acceptPreview, {
      agentId,
      previewId,
      ...boundary(CampaignBody, bodyObject(body)),
    });
  }

  /** Preview: not this contact now; it gets a `skipped` outcome and comes back per the campaign's rules. */
  @Post('previews/:previewId/skip')
  @HttpCode(200)
  @ApiZodBody(CampaignBody)
  @ZodResponse(200, PreviewSkipReply)
  skipPreview(
    @ZodParam('agentId', AgentId) agentId: string,
    @ZodParam('previewId', PreviewId) previewId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ) {
    requireAgentAccess(principal, [agentId]);
    return this.bus.request(dialerAgentRpcs.skipPreview, {
      agentId,
      previewId,
      ...boundary(CampaignBody, bodyObject(body)),
    });
  }
}
