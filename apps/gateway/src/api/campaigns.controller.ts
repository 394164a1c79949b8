import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  Campaign,
  CampaignAction,
  CampaignSettingsInput,
  CampaignSettingsPatch,
  CampaignStats,
  ListCampaignsQuery,
  Page,
  campaignRpcs,
} from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { Roles } from '../auth/roles.decorator';
import { ApiZodBody, bodyObject, boundary } from '../http/boundary.util';
import { ForwardedIdempotencyKey, Idempotent } from '../http/idempotency.interceptor';
import { ZodParam, ZodQuery, ZodResponse } from '../http/zod.decorators';

const CampaignId = z.uuid();
const UpdateBody = z.object({ expectedVersion: z.number().int().positive(), changes: CampaignSettingsPatch });
const TransitionBody = z.object({
  action: CampaignAction,
  expectedVersion: z.number().int().positive().optional(),
  reason: z.string().max(500).optional(),
});

/** Campaigns: settings, lifecycle and counters, answered by campaign-service. */
@ApiTags('campaigns')
@Controller('api/v1/campaigns')
export class CampaignsController {
  constructor(private readonly bus: NatsBus) {}

  @Post()
  @Roles('admin', 'supervisor')
  @Idempotent()
  @ApiZodBody(CampaignSettingsInput)
  @ZodResponse(201, Campaign)
  create(@Body() body: unknown, @ForwardedIdempotencyKey() idempotencyKey?: string) {
    const settings = boundary(CampaignSettingsInput, bodyObject(body));
    return this.bus.request(campaignRpcs.createCampaign, { ...settings, idempotencyKey });
  }

  @Get()
  @Roles('admin', 'supervisor')
  @ZodResponse(200, Page(Campaign))
  list(@ZodQuery(ListCampaignsQuery) query: z.infer<typeof ListCampaignsQuery>) {
    return this.bus.request(campaignRpcs.listCampaigns, query);
  }

  /** Agents read the campaign they work: its disposition set and scripts. */
  @Get(':campaignId')
  @Roles('admin', 'supervisor', 'agent')
  @ZodResponse(200, Campaign)
  get(@ZodParam('campaignId', CampaignId) campaignId: string) {
    return this.bus.request(campaignRpcs.getCampaign, { campaignId });
  }

  @Patch(':campaignId')
  @Roles('admin', 'supervisor')
  @ApiZodBody(UpdateBody)
  @ZodResponse(200, Campaign)
  update(@ZodParam('campaignId', CampaignId) campaignId: string, @Body() body: unknown) {
    const update = boundary(UpdateBody, bodyObject(body));
    return this.bus.request(campaignRpcs.updateCampaign, { campaignId, ...update });
  }

  /** start, pause, resume, complete, archive. */
  @Post(':campaignId/transitions')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  @ApiZodBody(TransitionBody)
  @ZodResponse(200, Campaign)
  transition(@ZodParam('campaignId', CampaignId) campaignId: string, @Body() body: unknown) {
    const transition = boundary(TransitionBody, bodyObject(body));
    return this.bus.request(campaignRpcs.transitionCampaign, { campaignId, ...transition });
  }

  @Get(':campaignId/stats')
  @Roles('admin', 'supervisor')
  @ZodResponse(200, CampaignStats)
  stats(@ZodParam('campaignId', CampaignId) campaignId: string) {
    return this.bus.request(campaignRpcs.campaignStats, { campaignId });
  }
}
