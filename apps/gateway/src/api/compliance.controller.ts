import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import {
  AddDncEntriesReply,
  AtsError,
  CheckNumberReply,
  DialAudit,
  DncEntry,
  DncListKind,
  GatewayPageQuery,
  IsoDateTime,
  Page,
  PhoneRegion,
  complianceRpcs,
  type DncListRef,
} from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ApiZodBody, bodyObject, boundary } from '../http/boundary.util';
import { BoundaryValidationError } from '../http/ats-exception.filter';
import { ZodParam, ZodQuery, ZodResponse } from '../http/zod.decorators';

const Id = z.uuid();
const Phone = z.string().min(3).max(40);

const ListQuery = GatewayPageQuery.extend({ campaignId: Id.optional() }).strict();
const AddBody = z
  .object({
    campaignId: Id.optional(),
    phones: z.array(Phone).min(1).max(1000),
    defaultRegion: PhoneRegion.optional(),
    reason: z.string().max(500).optional(),
    expiresAt: IsoDateTime.optional(),
  })
  .strict();
const RemoveBody = z
  .object({
    campaignId: Id.optional(),
    phones: z.array(Phone).min(1).max(1000),
    defaultRegion: PhoneRegion.optional(),
  })
  .strict();
const ImportQuery = z
  .object({
    campaignId: Id.optional(),
    defaultRegion: PhoneRegion.optional(),
    reason: z.string().max(500).optional(),
    expiresAt: IsoDateTime.optional(),
  })
  .strict();
const CheckQuery = z
  .object({
    phone: Phone,
    campaignId: Id.optional(),
    defaultRegion: PhoneRegion.optional(),
    direction: z.enum(['outbound', 'inbound']).optional(),
  })
  .strict();
const ReportBody = z
  .object({ phone: Phone, defaultRegion: PhoneRegion.optional(), reason: z.string().max(500) })
  .strict();

/** A CSV file of numbers is read up to this size, and sent to campaign-service in pieces cut at line ends. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;
const PIECE_BYTES = 256 * 1024;

function listRef(kind: DncListKind, campaignId: string | undefined): DncListRef {
  if ((kind === 'campaign') !== (campaignId !== undefined))
    throw new BoundaryValidationError('campaignId is required for the campaign list and only for it', [
      { path: 'campaignId', message: kind === 'campaign' ? 'required' : 'not allowed' },
    ]);
  return kind === 'campaign' ? { kind, campaignId } : { kind };
}

/**
 * Do-not-call lists (global, per campaign, and the blacklist of numbers that harass
 * agents), the number check used before dialing or when a call comes in, and the audit of
 * every decision to dial a contact. Supervisors and admins; an agent may report the caller
 * harassing it to the blacklist (seed 003).
 */
@ApiTags('compliance')
@Controller('api/v1')
export class ComplianceController {
  constructor(private readonly bus: NatsBus) {}

  @Get('dnc/:kind')
  @Roles('admin', 'supervisor')
  @ZodResponse(200, Page(DncEntry))
  list(
    @ZodParam('kind', DncListKind) kind: DncListKind,
    @ZodQuery(ListQuery) query: z.infer<typeof ListQuery>,
  ) {
    return this.bus.request(complianceRpcs.listDncEntries, {
      list: listRef(kind, query.campaignId),
      limit: query.limit,
      cursor: query.cursor,
    });
  }

  /** Adds numbers (any format; national ones read with `defaultRegion`); a listed number gets the new reason and expiry. */
  @Post('dnc/:kind')
  @Roles('admin', 'supervisor')
  @ApiZodBody(AddBody)
  @ZodResponse(201, AddDncEntriesReply)
  add(
    @ZodParam('kind', DncListKind) kind: DncListKind,
    @Body() body: unknown,
    @CurrentPrincipal() who: Principal,
  ) {
    const { campaignId, ...rest } = boundary(AddBody, bodyObject(body));
    return this.bus.request(complianceRpcs.addDncEntries, {
      ...rest,
      list: listRef(kind, campaignId),
      source: `${who.kind}:${who.id}`,
    });
  }

  @Post('dnc/:kind/remove')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  @ApiZodBody(RemoveBody)
  @ZodResponse(200, z.object({ removed: z.number().int() }))
  remove(@ZodParam('kind', DncListKind) kind: DncListKind, @Body() body: unknown) {
    const { campaignId, ...rest } = boundary(RemoveBody, bodyObject(body));
    return this.bus.request(complianceRpcs.removeDncEntries, { ...rest, list: listRef(kind, campaignId) });
  }

  /**
   * Bulk import: the CSV file as the body (`text/csv`, up to 20 MB): the first column, or
   * the one named `phone`/`number`/`so_dien_thoai` under a header row. Bad rows are
   * reported with their line.
   */
  @Post('dnc/:kind/import')
  @ApiConsumes('text/csv', 'application/octet-stream')
  @Roles('admin', 'supervisor')
  @ZodResponse(201, AddDncEntriesReply)
  async import(
    @ZodParam('kind', DncListKind) kind: DncListKind,
    @ZodQuery(ImportQuery) query: z.infer<typeof ImportQuery>,
    @Req() request: Request,
    @CurrentPrincipal() who: Principal,
  ): Promise<AddDncEntriesReply> {
    const { campaignId, ...options } = query;
    const list = listRef(kind, campaignId);
    const text = await readText(request);
    const total: AddDncEntriesReply = { added: 0, alreadyListed: 0, rejected: [] };
    let header: string | null = null;
    let line = 1;
    for (const piece of piecesAtLineEnds(text, PIECE_BYTES)) {
      const reply = await this.bus.request(
        complianceRpcs.importDnc,
        {
          ...options,
          list,
          csv: header === null ? piece : `${header}\n${piece}`,
          firstLine: header === null ? line : line - 1,
          ...(line > 1 ? { hasHeader: header !== null } : {}),
          source: `import:${who.kind}:${who.id}`,
        },
        { timeoutMs: 30_000 },
      );
      if (line === 1 && reply.headerDetected) {
        const newline = piece.indexOf('\n');
        header = (newline === -1 ? piece : piece.slice(0, newline)).replace(/\r$/, '');
      }
      total.added += reply.added;
      total.alreadyListed += reply.alreadyListed;
      total.rejected.push(...reply.rejected);
      line += countLines(piece);
    }
    total.headerDetected = header !== null;
    return total;
  }

  /** Whether a number may be called (outbound), or whether its call is let in (inbound: only the blacklist refuses). */
  @Get('dnc-check')
  @Roles('admin', 'supervisor')
  @ZodResponse(200, CheckNumberReply)
  check(@ZodQuery(CheckQuery) query: z.infer<typeof CheckQuery>) {
    return this.bus.request(complianceRpcs.checkNumber, query);
  }

  /** An agent reports the number harassing it: it goes on the blacklist, its calls are refused from now on. */
  @Post('agents/me/blacklist')
  @Roles('agent', 'supervisor', 'admin')
  @ApiZodBody(ReportBody)
  @ZodResponse(201, AddDncEntriesReply)
  async report(@Body() body: unknown, @CurrentPrincipal() who: Principal) {
    const request = boundary(ReportBody, bodyObject(body));
    const reply = await this.bus.request(complianceRpcs.addDncEntries, {
      list: { kind: 'blacklist' },
      phones: [request.phone],
      defaultRegion: request.defaultRegion,
      reason: request.reason,
      source: who.agentId ? `agent:${who.agentId}` : `${who.kind}:${who.id}`,
    });
    if (reply.rejected.length > 0)
      throw new AtsError('VALIDATION_FAILED', reply.rejected[0]!.reason, { field: 'phone' });
    return reply;
  }

  /** Every decision to dial a contact or not: the rules checked, their inputs and the result, oldest first. */
  @Get('contacts/:contactId/dial-audit')
  @Roles('admin', 'supervisor')
  @ZodResponse(200, Page(DialAudit))
  audit(@ZodParam('contactId', Id) contactId: string, @ZodQuery(GatewayPageQuery) query: GatewayPageQuery) {
    return this.bus.request(complianceRpcs.listDialAudit, { contactId, ...query });
  }
}

async function readText(request: Request): Promise<string> {
  if (request.readableEnded) {
    if (typeof request.body === 'string' && request.body.length > 0) return request.body;
    throw new BoundaryValidationError('send the CSV file as text/csv');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FILE_BYTES) throw new BoundaryValidationError('the file is larger than 20 MB');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new BoundaryValidationError('the file is empty');
  return text;
}

/** Cuts text into pieces of about `size` characters, each ending at a line end (a quoted field spanning lines is not expected in a list of numbers). */
function* piecesAtLineEnds(text: string, size: number): Generator<string> {
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + size);
    if (end < text.length) {
      const newline = text.lastIndexOf('\n', end);
      end = newline > start ? newline + 1 : end;
    }
    yield text.slice(start, end);
    start = end;
  }
}

function countLines(piece: string): number {
  let n = 0;
  for (let i = piece.indexOf('\n'); i !== -1; i = piece.indexOf('\n', i + 1)) n++;
  return piece.endsWith('\n') ? n : n + 1;
}
