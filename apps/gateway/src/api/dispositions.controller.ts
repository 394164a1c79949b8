import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  Callback,
  CancelCallbackRequest,
  Disposition,
  ListCallbacksQuery,
  ListDispositionsQuery,
  Page,
  RecordDispositionRequest,
  ScheduleCallbackRequest,
  campaignRpcs,
} from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { requireAgentAccess } from '../auth/access.util';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ApiZodBody, bodyObject, boundary } from '../http/boundary.util';
import { ForwardedIdempotencyKey, Idempotent } from '../http/idempotency.interceptor';
import { ZodParam, ZodQuery, ZodResponse } from '../http/zod.decorators';

const Id = z.uuid();

/**
 * Call results recorded by agents (dispositions) and "call me back at" callbacks. An
 * agent records and sees only its own; admins and supervisors see a campaign's all.
 */
@ApiTags('dispositions and callbacks')
@Controller('api/v1')
export class DispositionsController {
  constructor(private readonly bus: NatsBus) {}

  /** One disposition per call: recording the same call again answers the first one. */
  @Post('dispositions')
  @Roles('admin', 'supervisor', 'agent')
  @Idempotent()
  @ApiZodBody(RecordDispositionRequest)
  @ZodResponse(201, Disposition)
  record(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const request = boundary(RecordDispositionRequest, bodyObject(body));
    requireAgentAccess(principal, [request.agentId]);
    return this.bus.request(campaignRpcs.recordDisposition, request);
  }

  @Get('campaigns/:campaignId/dispositions')
  @Roles('admin', 'supervisor', 'agent')
  @ZodResponse(200, Page(Disposition))
  list(
    @ZodParam('campaignId', Id) campaignId: string,
    @ZodQuery(ListDispositionsQuery) query: z.infer<typeof ListDispositionsQuery>,
    @CurrentPrincipal() principal: Principal,
  ) {
    // An agent lists its own calls only, whatever it asked for.
    const agentId = principal.role === 'agent' ? principal.agentId! : query.agentId;
    return this.bus.request(campaignRpcs.listDispositions, { ...query, campaignId, agentId });
  }

  /** An agent may schedule callbacks for itself only. */
  @Post('callbacks')
  @Roles('admin', 'supervisor', 'agent')
  @Idempotent()
  @ApiZodBody(ScheduleCallbackRequest)
  @ZodResponse(201, Callback)
  schedule(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @ForwardedIdempotencyKey() idempotencyKey?: string,
  ) {
    const input = bodyObject(body);
    const owned =
      principal.role === 'agent' && input['ownerAgentId'] === undefined
        ? { ...input, ownerAgentId: principal.agentId }
        : input;
    const request = boundary(ScheduleCallbackRequest, { ...owned, idempotencyKey });
    if (principal.role === 'agent') requireAgentAccess(principal, [request.ownerAgentId ?? '']);
    return this.bus.request(campaignRpcs.scheduleCallback, {
      ...request,
      requestedBy: request.requestedBy ?? (principal.agentId || undefined),
    });
  }

  @Get('campaigns/:campaignId/callbacks')
  @Roles('admin', 'supervisor', 'agent')
  @ZodResponse(200, Page(Callback))
  listCallbacks(
    @ZodParam('campaignId', Id) campaignId: string,
    @ZodQuery(ListCallbacksQuery) query: z.infer<typeof ListCallbacksQuery>,
    @CurrentPrincipal() principal: Principal,
  ) {
    const ownerAgentId = principal.role === 'agent' ? principal.agentId! : query.ownerAgentId;
    return this.bus.request(campaignRpcs.listCallbacks, { ...query, campaignId, ownerAgentId });
  }

  @Post('callbacks/:callbackId/cancel')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  @ApiZodBody(CancelCallbackRequest, ['callbackId'])
  @ZodResponse(200, Callback)
  cancel(@ZodParam('callbackId', Id) callbackId: string, @Body() body: unknown) {
    return this.bus.request(
      campaignRpcs.cancelCallback,
      boundary(CancelCallbackRequest, { ...bodyObject(body), callbackId }),
    );
  }
}
