import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  AssignContactsReply,
  AssignContactsRequest,
  BulkUpdateReply,
  Contact,
  LeaseContactsReply,
  LeaseContactsRequest,
  ListContactsQuery,
  OutcomeResult,
  Page,
  GatewayPageQuery,
  RecordOutcomeRequest,
  ReleaseLeaseReply,
  ReleaseLeaseRequest,
  RenewLeaseReply,
  RenewLeaseRequest,
  Segment,
  SegmentFilter,
  SetPriorityRequest,
  campaignRpcs,
} from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { Roles } from '../auth/roles.decorator';
import { ApiZodBody, bodyObject, boundary } from '../http/boundary.util';
import { Idempotent } from '../http/idempotency.interceptor';
import { ZodParam, ZodQuery, ZodResponse } from '../http/zod.decorators';

const Id = z.uuid();
const CreateSegmentBody = z.object({ name: z.string().trim().min(1).max(200), filter: SegmentFilter });

/**
 * Contacts of a campaign: browsing, priorities, splitting among agents, segments, and
 * the queue (leases and attempt outcomes) for dialers that run outside the platform.
 */
@ApiTags('contacts')
@Controller('api/v1')
@Roles('admin', 'supervisor')
export class ContactsController {
  constructor(private readonly bus: NatsBus) {}

  @Get('campaigns/:campaignId/contacts')
  @ZodResponse(200, Page(Contact))
  list(
    @ZodParam('campaignId', Id) campaignId: string,
    @ZodQuery(ListContactsQuery) query: z.infer<typeof ListContactsQuery>,
  ) {
    return this.bus.request(campaignRpcs.listContacts, { campaignId, ...query });
  }

  @Get('contacts/:contactId')
  @ZodResponse(200, Contact)
  get(@ZodParam('contactId', Id) contactId: string) {
    return this.bus.request(campaignRpcs.getContact, { contactId });
  }

  @Post('campaigns/:campaignId/contacts/priority')
  @HttpCode(200)
  @ApiZodBody(SetPriorityRequest, ['campaignId'])
  @ZodResponse(200, BulkUpdateReply)
  setPriority(@ZodParam('campaignId', Id) campaignId: string, @Body() body: unknown) {
    return this.bus.request(
      campaignRpcs.setPriority,
      boundary(SetPriorityRequest, { ...bodyObject(body), campaignId }),
    );
  }

  /** Splits the selected contacts among agents (the day's list divided). */
  @Post('campaigns/:campaignId/contacts/assign')
  @HttpCode(200)
  @ApiZodBody(AssignContactsRequest, ['campaignId'])
  @ZodResponse(200, AssignContactsReply)
  assign(@ZodParam('campaignId', Id) campaignId: string, @Body() body: unknown) {
    return this.bus.request(
      campaignRpcs.assignContacts,
      boundary(AssignContactsRequest, { ...bodyObject(body), campaignId }),
    );
  }

  @Post('campaigns/:campaignId/segments')
  @Idempotent()
  @ApiZodBody(CreateSegmentBody)
  @ZodResponse(201, Segment)
  createSegment(@ZodParam('campaignId', Id) campaignId: string, @Body() body: unknown) {
    const segment = boundary(CreateSegmentBody, bodyObject(body));
    return this.bus.request(campaignRpcs.createSegment, { campaignId, ...segment });
  }

  @Get('campaigns/:campaignId/segments')
  @ZodResponse(200, Page(Segment))
  listSegments(
    @ZodParam('campaignId', Id) campaignId: string,
    @ZodQuery(GatewayPageQuery) query: GatewayPageQuery,
  ) {
    return this.bus.request(campaignRpcs.listSegments, { campaignId, ...query });
  }

  @Get('segments/:segmentId')
  @ZodResponse(200, Segment.extend({ contactCount: z.number().int() }))
  getSegment(@ZodParam('segmentId', Id) segmentId: string) {
    return this.bus.request(campaignRpcs.getSegment, { segmentId });
  }

  @Delete('segments/:segmentId')
  @ZodResponse(200, z.object({ deleted: z.boolean() }))
  deleteSegment(@ZodParam('segmentId', Id) segmentId: string) {
    return this.bus.request(campaignRpcs.deleteSegment, { segmentId });
  }

  /** Leases due contacts to a dialer; a contact is never leased to two at once. */
  @Post('campaigns/:campaignId/leases')
  @HttpCode(200)
  @ApiZodBody(LeaseContactsRequest, ['campaignId'])
  @ZodResponse(200, LeaseContactsReply)
  lease(@ZodParam('campaignId', Id) campaignId: string, @Body() body: unknown) {
    return this.bus.request(
      campaignRpcs.leaseContacts,
      boundary(LeaseContactsRequest, { ...bodyObject(body), campaignId }),
    );
  }

  @Post('leases/renew')
  @HttpCode(200)
  @ApiZodBody(RenewLeaseRequest)
  @ZodResponse(200, RenewLeaseReply)
  renew(@Body() body: unknown) {
    return this.bus.request(campaignRpcs.renewLease, boundary(RenewLeaseRequest, bodyObject(body)));
  }

  @Post('leases/release')
  @HttpCode(200)
  @ApiZodBody(ReleaseLeaseRequest)
  @ZodResponse(200, ReleaseLeaseReply)
  release(@Body() body: unknown) {
    return this.bus.request(campaignRpcs.releaseLease, boundary(ReleaseLeaseRequest, bodyObject(body)));
  }

  /** Records an attempt's outcome exactly once: the same outcome again answers the same; another is a 409. */
  @Post('attempts/:attemptId/outcome')
  @HttpCode(200)
  @ApiZodBody(RecordOutcomeRequest, ['attemptId'])
  @ZodResponse(200, OutcomeResult)
  recordOutcome(@ZodParam('attemptId', Id) attemptId: string, @Body() body: unknown) {
    return this.bus.request(
      campaignRpcs.recordOutcome,
      boundary(RecordOutcomeRequest, { ...bodyObject(body), attemptId }),
    );
  }
}
