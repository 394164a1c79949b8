import { Body, Controller, Get, HttpCode, Post, Put, Req } from '@nestjs/common';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import {
  ContactList,
  CreateListRequest,
  ImportRejectsQuery,
  ImportReject,
  ImportStatus,
  ImportWarning,
  Page,
  GatewayPageQuery,
  StartImportRequest,
  UploadImportQuery,
  campaignRpcs,
} from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { Roles } from '../auth/roles.decorator';
import { ApiZodBody, bodyObject, boundary } from '../http/boundary.util';
import { decodeCursor, encodeCursor } from '../http/cursor.util';
import { ForwardedIdempotencyKey, Idempotent } from '../http/idempotency.interceptor';
import { ZodParam, ZodQuery, ZodResponse } from '../http/zod.decorators';
import { ContactImportUploader } from './contact-import.uploader';

const Id = z.uuid();
const RejectsPage = z.object({
  items: z.array(ImportReject),
  nextCursor: z.string().nullable(),
  totalRejected: z.number().int(),
});
const WarningsPage = z.object({
  items: z.array(ImportWarning),
  nextCursor: z.string().nullable(),
  totalWarnings: z.number().int(),
});
const AbortBody = z.object({ reason: z.string().min(1).max(500) });

/** Contact lists and their imports: upload, progress, rejected rows, cells left out. */
@ApiTags('lists and imports')
@Controller('api/v1')
@Roles('admin', 'supervisor')
export class ListsController {
  constructor(
    private readonly bus: NatsBus,
    private readonly uploader: ContactImportUploader,
  ) {}

  @Post('campaigns/:campaignId/lists')
  @Idempotent()
  @ApiZodBody(CreateListRequest, ['campaignId', 'idempotencyKey'])
  @ZodResponse(201, ContactList)
  create(
    @ZodParam('campaignId', Id) campaignId: string,
    @Body() body: unknown,
    @ForwardedIdempotencyKey() idempotencyKey?: string,
  ) {
    const request = boundary(CreateListRequest, { ...bodyObject(body), campaignId, idempotencyKey });
    return this.bus.request(campaignRpcs.createList, request);
  }

  @Get('campaigns/:campaignId/lists')
  @ZodResponse(200, Page(ContactList))
  list(@ZodParam('campaignId', Id) campaignId: string, @ZodQuery(GatewayPageQuery) query: GatewayPageQuery) {
    return this.bus.request(campaignRpcs.listLists, { campaignId, ...query });
  }

  @Get('lists/:listId')
  @ZodResponse(200, ContactList)
  get(@ZodParam('listId', Id) listId: string) {
    return this.bus.request(campaignRpcs.getList, { listId });
  }

  /**
   * Uploads a contact file (CSV, JSON array or NDJSON) of any size as the request body.
   * Answers when the whole file is in, with the exact report; poll
   * `GET /imports/{importId}` meanwhile for progress. JSON sent as `application/json`
   * is limited by the body parser (100 kB): send big JSON files as
   * `application/octet-stream` with `?format=json`.
   */
  @Post('lists/:listId/imports')
  @ApiConsumes('text/csv', 'application/x-ndjson', 'application/octet-stream', 'application/json')
  @ZodResponse(201, ImportStatus)
  upload(
    @ZodParam('listId', Id) listId: string,
    @ZodQuery(UploadImportQuery) query: UploadImportQuery,
    @Req() request: Request,
    @ForwardedIdempotencyKey() idempotencyKey?: string,
  ) {
    return this.uploader.upload(listId, query, request, idempotencyKey);
  }

  /**
   * Two-step import for large files: start it here (how to read the file), then
   * `PUT /imports/{importId}/file` with the file as the body, watching
   * `GET /imports/{importId}` from the first byte.
   */
  @Post('lists/:listId/imports/start')
  @Idempotent()
  @ApiZodBody(StartImportRequest, ['listId', 'idempotencyKey'])
  @ZodResponse(201, ImportStatus)
  start(
    @ZodParam('listId', Id) listId: string,
    @Body() body: unknown,
    @ForwardedIdempotencyKey() idempotencyKey?: string,
  ) {
    const request = boundary(StartImportRequest, { ...bodyObject(body), listId, idempotencyKey });
    return this.bus.request(campaignRpcs.startImport, request);
  }

  /** The file of an import started with `POST /lists/{listId}/imports/start`; answers the final report. */
  @Put('imports/:importId/file')
  @ApiConsumes('text/csv', 'application/x-ndjson', 'application/octet-stream', 'application/json')
  @ZodResponse(200, ImportStatus)
  uploadFile(@ZodParam('importId', Id) importId: string, @Req() request: Request) {
    return this.uploader.uploadTo(importId, request);
  }

  @Get('imports/:importId')
  @ZodResponse(200, ImportStatus)
  status(@ZodParam('importId', Id) importId: string) {
    return this.bus.request(campaignRpcs.importStatus, { importId });
  }

  /** Every rejected row with its line number and reason, in line order. */
  @Get('imports/:importId/rejects')
  @ZodResponse(200, RejectsPage)
  async rejects(
    @ZodParam('importId', Id) importId: string,
    @ZodQuery(ImportRejectsQuery) query: z.infer<typeof ImportRejectsQuery>,
  ): Promise<z.infer<typeof RejectsPage>> {
    const afterLine = query.cursor ? Number(decodeCursor(query.cursor)) : 0;
    const page = await this.bus.request(campaignRpcs.importRejects, {
      importId,
      afterLine: Number.isSafeInteger(afterLine) ? afterLine : 0,
      limit: Math.min(query.limit, 1000),
    });
    return {
      items: page.items,
      nextCursor: page.nextAfterLine === null ? null : encodeCursor(String(page.nextAfterLine)),
      totalRejected: page.totalRejected,
    };
  }

  /**
   * The cells an import left out of rows it kept (a bad alternate number, more alternates
   * than a contact holds), in row order; a row's warnings are never split across pages.
   */
  @Get('imports/:importId/warnings')
  @ZodResponse(200, WarningsPage)
  async warnings(
    @ZodParam('importId', Id) importId: string,
    @ZodQuery(ImportRejectsQuery) query: z.infer<typeof ImportRejectsQuery>,
  ): Promise<z.infer<typeof WarningsPage>> {
    const afterRow = query.cursor ? Number(decodeCursor(query.cursor)) : 0;
    const page = await this.bus.request(campaignRpcs.importWarnings, {
      importId,
      afterRow: Number.isSafeInteger(afterRow) && afterRow >= 0 ? afterRow : 0,
      limit: Math.min(query.limit, 1000),
    });
    return {
      items: page.items,
      nextCursor: page.nextAfterRow === null ? null : encodeCursor(String(page.nextAfterRow)),
      totalWarnings: page.totalWarnings,
    };
  }

  @Post('imports/:importId/abort')
  @HttpCode(200)
  @ApiZodBody(AbortBody)
  @ZodResponse(200, ImportStatus)
  abort(@ZodParam('importId', Id) importId: string, @Body() body: unknown) {
    const { reason } = boundary(AbortBody, bodyObject(body));
    return this.bus.request(campaignRpcs.abortImport, { importId, reason });
  }
}
