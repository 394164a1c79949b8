import { Controller, Get, Res } from '@nestjs/common';
import { ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import {
  AbandonWindowsReply,
  AgentStateTime,
  AtsError,
  DialRefusalsReply,
  ListInboundRejectionsReply,
  QueryKpisReply,
  abandonWindowsRpc,
  agentStateTimesRpc,
  compareManualRpc,
  dialRefusalsRpc,
  exportCallRecordsRpc,
  exportInboundRejectionsRpc,
  exportKpisCsvRpc,
  listCallRecordsRpc,
  listInboundRejectionsRpc,
  queryKpisRpc,
  type CallRecordFilter,
  type ExportCallRecordsReply,
  type InboundRejectionFilter,
  type QueryKpisRequest,
  type ReportedCall,
} from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { requireAgentAccess } from '../auth/access.util';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import type { Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { ZodParam, ZodQuery, ZodResponse } from '../http/zod.decorators';
import {
  AbandonWindowsQuery,
  AgentStatesQuery,
  CallRecordsCsvQuery,
  CallRecordsPage,
  CallRecordsQuery,
  CompareManualReply,
  DialRefusalsQuery,
  InboundRejectionsCsvQuery,
  InboundRejectionsQuery,
  KpisQuery,
  ManualComparisonQuery,
  type AgentStatesQuery as AgentStatesQueryT,
  type CallRecordsCsvQuery as CallRecordsCsvQueryT,
  type CallRecordsQuery as CallRecordsQueryT,
  type DialRefusalsQuery as DialRefusalsQueryT,
  type InboundRejectionsCsvQuery as InboundRejectionsCsvQueryT,
  type InboundRejectionsQuery as InboundRejectionsQueryT,
  type KpisQuery as KpisQueryT,
  type ManualComparisonQuery as ManualComparisonQueryT,
} from './reports.dto';

const CampaignId = z.uuid();
/** Rows per chunk asked of reporting-service while streaming a CSV export. */
const CSV_ROWS_PER_CHUNK = 1_000;
/** A chunk of up to 1,000 rows may take longer than a plain request. */
const CSV_CHUNK_TIMEOUT_MS = 30_000;

/** The agent an agent caller is; for admins and supervisors, what they asked for. */
function ownAgent(principal: Principal, asked: string | undefined): string | undefined {
  if (principal.role !== 'agent') return asked;
  if (asked !== undefined) requireAgentAccess(principal, [asked]);
  return principal.agentId!;
}

function callFilter(query: CallRecordsCsvQueryT, principal: Principal): CallRecordFilter {
  return {
    campaignId: query.campaignId,
    agentId: ownAgent(principal, query.agentId),
    callId: query.callId,
    from: query.from,
    to: query.to,
    outcomes: query.status,
    phone: query.phone,
    abandoned: query.abandoned,
    ended: query.ended,
  };
}

/**
 * The KPI query a caller may make: an agent only its own KPIs (`groupBy=agent`; another
 * agent id is NOT_FOUND, as everywhere), admins and supervisors anything.
 */
function kpiQuery(query: KpisQueryT, principal: Principal): QueryKpisRequest {
  if (principal.role !== 'agent') return query;
  if (query.groupBy !== 'agent')
    throw new AtsError('FORBIDDEN', 'an agent may only see its own KPIs: use groupBy=agent', {
      groupBy: query.groupBy,
    });
  requireAgentAccess(principal, query.agentIds ?? []);
  return { ...query, agentIds: [principal.agentId!] };
}

function inboundRejectionFilter(query: InboundRejectionsCsvQueryT): InboundRejectionFilter {
  return { from: query.from, to: query.to, callerNumber: query.callerNumber, list: query.list };
}

/**
 * Streams a chunked CSV export to the response: the first chunk decides the status (an
 * error before it is an ordinary error body); a failure after it cuts the connection, so
 * that half a file never looks whole.
 */
async function streamCsv(
  response: Response,
  ask: (cursor?: string) => Promise<ExportCallRecordsReply>,
): Promise<void> {
  let chunk = await ask();
  response.status(200);
  response.setHeader('Content-Type', 'text/csv; charset=utf-8');
  response.setHeader('Content-Disposition', `attachment; filename="${chunk.fileName}"`);
  response.setHeader('Cache-Control', 'no-store');
  try {
    for (;;) {
      if (!response.write(chunk.chunk)) await new Promise((drained) => response.once('drain', drained));
      if (chunk.nextCursor === null || response.destroyed) break;
      chunk = await ask(chunk.nextCursor);
    }
    response.end();
  } catch (error) {
    response.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}

/** The recording as a link: a path the node wrote becomes a `file://` URL; a URL stays. */
function recordingLink(path: string | null): string | null {
  if (path === null) return null;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return path;
  return `file://${path.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * Reports (answered by reporting-service over NATS): KPIs per campaign, agent and
 * interval (JSON and CSV), the manual-dialing comparison, the regulator's abandon windows, call records
 * (list and CSV export), agent state times, the dials compliance refused (list and CSV)
 * and the inbound calls the gate refused (list and CSV). Admins and supervisors see
 * everything; an agent sees only its own calls, KPIs and times (another agent id is
 * NOT_FOUND to it) and no compliance report.
 */
@ApiTags('reports')
@Controller('api/v1/reports')
export class ReportsController {
  constructor(private readonly bus: NatsBus) {}

  /**
   * KPIs over `[from, to)`: dials, live answers, connects, abandons and abandon rate
   * (regulator definition), occupancy, talk minutes and contacts per agent-hour, handle
   * and hold times, answer-to-agent latency, conversion and sale value, grouped by
   * campaign, agent or nothing, in one bucket or per 15 min / hour / day.
   */
  @Get('kpis')
  @Roles('admin', 'supervisor', 'agent')
  @ZodResponse(200, QueryKpisReply)
  kpis(@ZodQuery(KpisQuery) query: KpisQueryT, @CurrentPrincipal() principal: Principal) {
    return this.bus.request(queryKpisRpc, kpiQuery(query, principal));
  }

  /**
   * The same KPIs as one CSV file (RFC 4180, UTF-8, CRLF, a header row), streamed: the
   * same query and the same rules (an agent: `groupBy=agent`, its own), one line per group
   * and bucket (`campaign_id`, `agent_id`, `bucket_start`, `bucket_end`), one column per
   * KPI with its unit in the name (`abandon_rate`, `talk_minutes_per_agent_hour`,
   * `average_handle_seconds`, `answer_to_agent_p99_ms`, `sale_value`...). Rates are
   * fractions; numbers have the JSON reply's digits, a `.` and no exponent. Text cells a
   * spreadsheet would run as a formula carry a leading `'`.
   */
  @Get('kpis.csv')
  @Roles('admin', 'supervisor', 'agent')
  @ApiProduces('text/csv')
  @ApiResponse({ status: 200, description: 'CSV file', schema: { type: 'string' } })
  async kpisCsv(
    @ZodQuery(KpisQuery) query: KpisQueryT,
    @CurrentPrincipal() principal: Principal,
    @Res() response: Response,
  ): Promise<void> {
    const kpis = kpiQuery(query, principal);
    await streamCsv(response, (cursor) =>
      this.bus.request(
        exportKpisCsvRpc,
        { query: kpis, maxRows: CSV_ROWS_PER_CHUNK, cursor },
        { timeoutMs: CSV_CHUNK_TIMEOUT_MS },
      ),
    );
  }

  /** A campaign's KPIs beside an estimate of manual dialing of the same attempts. */
  @Get('campaigns/:campaignId/manual-comparison')
  @Roles('admin', 'supervisor')
  @ZodResponse(200, CompareManualReply)
  manualComparison(
    @ZodParam('campaignId', CampaignId) campaignId: string,
    @ZodQuery(ManualComparisonQuery) query: ManualComparisonQueryT,
  ) {
    return this.bus.request(compareManualRpc, { campaignId, ...query });
  }

  /** The campaign's abandon rate over the US (30 days) and UK (24 hours) windows ending at `at`. */
  @Get('campaigns/:campaignId/abandon-windows')
  @Roles('admin', 'supervisor')
  @ZodResponse(200, AbandonWindowsReply)
  abandonWindows(
    @ZodParam('campaignId', CampaignId) campaignId: string,
    @ZodQuery(AbandonWindowsQuery) query: z.infer<typeof AbandonWindowsQuery>,
  ) {
    return this.bus.request(abandonWindowsRpc, { campaignId, ...query });
  }

  /**
   * Call records, newest first by default: customer number, agent and extension, call
   * time, ring, hold and talk time, status (outcome), hangup cause, recording. Pass
   * `nextCursor` back as `cursor` (with the same filters) until it is null.
   */
  @Get('calls')
  @Roles('admin', 'supervisor', 'agent')
  @ZodResponse(200, CallRecordsPage)
  async calls(
    @ZodQuery(CallRecordsQuery) query: CallRecordsQueryT,
    @CurrentPrincipal() principal: Principal,
  ): Promise<z.infer<typeof CallRecordsPage>> {
    const page = await this.bus.request(listCallRecordsRpc, {
      filter: callFilter(query, principal),
      order: query.order,
      limit: query.limit,
      cursor: query.cursor,
    });
    return {
      items: page.items.map((call: ReportedCall) => ({
        ...call,
        recordingLink: recordingLink(call.recordingPath),
      })),
      nextCursor: page.nextCursor,
    };
  }

  /**
   * The call records as one CSV file (RFC 4180, UTF-8, CRLF, a header row), streamed as
   * reporting-service produces it, oldest first by default. Cells a spreadsheet would run
   * as a formula (`=`, `+`, `-`, `@`, tab, CR, `'`) carry a leading `'`.
   */
  @Get('calls.csv')
  @Roles('admin', 'supervisor', 'agent')
  @ApiProduces('text/csv')
  @ApiResponse({ status: 200, description: 'CSV file', schema: { type: 'string' } })
  async callsCsv(
    @ZodQuery(CallRecordsCsvQuery) query: CallRecordsCsvQueryT,
    @CurrentPrincipal() principal: Principal,
    @Res() response: Response,
  ): Promise<void> {
    const filter = callFilter(query, principal);
    await streamCsv(response, (cursor) =>
      this.bus.request(
        exportCallRecordsRpc,
        { filter, order: query.order, maxRows: CSV_ROWS_PER_CHUNK, cursor },
        { timeoutMs: CSV_CHUNK_TIMEOUT_MS },
      ),
    );
  }

  /** Seconds per agent, campaign and state within `[from, to)` (the agent state intervals). */
  @Get('agent-states')
  @Roles('admin', 'supervisor', 'agent')
  @ZodResponse(200, z.object({ items: z.array(AgentStateTime) }))
  agentStates(
    @ZodQuery(AgentStatesQuery) query: AgentStatesQueryT,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.bus.request(agentStateTimesRpc, { ...query, agentId: ownAgent(principal, query.agentId) });
  }

  /**
   * The dials compliance refused within `[from, to)` (decision time), counted per campaign,
   * stage (`lease`: when the contact was leased; `dial`: at the dialer's last check before
   * dialing), rule (`doNotCall`, `outsideHours`, `invalidNumber`, `dailyCap`...) and result
   * (the contact `finished` for good, or `rescheduled`).
   */
  @Get('dial-refusals')
  @Roles('admin', 'supervisor')
  @ZodResponse(200, DialRefusalsReply)
  dialRefusals(@ZodQuery(DialRefusalsQuery) query: DialRefusalsQueryT) {
    return this.bus.request(dialRefusalsRpc, query);
  }

  /** The same counts as a CSV file (RFC 4180, UTF-8, CRLF, a header row). */
  @Get('dial-refusals.csv')
  @Roles('admin', 'supervisor')
  @ApiProduces('text/csv')
  @ApiResponse({ status: 200, description: 'CSV file', schema: { type: 'string' } })
  async dialRefusalsCsv(
    @ZodQuery(DialRefusalsQuery) query: DialRefusalsQueryT,
    @Res() response: Response,
  ): Promise<void> {
    const reply = await this.bus.request(dialRefusalsRpc, query);
    // Every cell is a uuid, an enum value or a count (validated by the contract): nothing
    // to quote or formula-escape.
    const columns = ['campaignId', 'stage', 'rule', 'result', 'refusals'] as const;
    const lines = [columns, ...reply.rows.map((row) => columns.map((c) => String(row[c])))].map(
      (cells) => `${cells.join(',')}\r\n`,
    );
    response.status(200);
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', 'attachment; filename="dial-refusals.csv"');
    response.setHeader('Cache-Control', 'no-store');
    response.end(lines.join(''));
  }

  /**
   * The inbound calls the gate refused (issue 8): when, who called (E.164), the number
   * dialled, the line (FreeSWITCH node) and dialer replica, which list matched and its
   * reason. Newest first by default; filters `from`/`to` (rejection time), `callerNumber`,
   * `list`. Pass `nextCursor` back as `cursor` (with the same filters) until it is null.
   */
  @Get('inbound-rejections')
  @Roles('admin', 'supervisor')
  @ZodResponse(200, ListInboundRejectionsReply)
  inboundRejections(@ZodQuery(InboundRejectionsQuery) query: InboundRejectionsQueryT) {
    return this.bus.request(listInboundRejectionsRpc, {
      filter: inboundRejectionFilter(query),
      order: query.order,
      limit: query.limit,
      cursor: query.cursor,
    });
  }

  /**
   * The refused inbound calls as one CSV file (RFC 4180, UTF-8, CRLF, a header row),
   * streamed, oldest first by default. Text cells a spreadsheet would run as a formula
   * (the reason, the number dialled) carry a leading `'`.
   */
  @Get('inbound-rejections.csv')
  @Roles('admin', 'supervisor')
  @ApiProduces('text/csv')
  @ApiResponse({ status: 200, description: 'CSV file', schema: { type: 'string' } })
  async inboundRejectionsCsv(
    @ZodQuery(InboundRejectionsCsvQuery) query: InboundRejectionsCsvQueryT,
    @Res() response: Response,
  ): Promise<void> {
    const filter = inboundRejectionFilter(query);
    await streamCsv(response, (cursor) =>
      this.bus.request(
        exportInboundRejectionsRpc,
        { filter, order: query.order, maxRows: CSV_ROWS_PER_CHUNK, cursor },
        { timeoutMs: CSV_CHUNK_TIMEOUT_MS },
      ),
    );
  }
}
