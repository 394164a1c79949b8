import { z } from 'zod';
import { defineRpc } from '../rpc';
import { E164, IsoDateTime, Uuid } from '../campaign/campaign.schemas';
import { ContactOutcome } from '../campaign/contact.schemas';
import {
  AbandonWindow,
  AgentStateTime,
  DialRefusalCount,
  InboundRejection,
  InboundRejectionList,
  KpiGroupBy,
  KpiInterval,
  KpiRow,
  ReportedCall,
} from './reporting-models';

/**
 * The operations reporting-service answers over NATS request/reply
 * (`<ns>.rpc.reporting.<name>`). Every reply is `{ ok, data | error }`; a bad request
 * (unknown field, a range that ends before it starts, too many buckets, a cursor from
 * another query) is VALIDATION_FAILED. apps/reporting-service/README.md documents each.
 */

/** Longest range of one query, and most buckets one KPI reply may hold. */
export const REPORTING_MAX_RANGE_DAYS = 400;
export const REPORTING_MAX_BUCKETS = 2_000;

const Range = {
  /** Inclusive start. */
  from: IsoDateTime,
  /** Exclusive end. */
  to: IsoDateTime,
};
const rangeIsOrdered = (r: { from: string; to: string }) => Date.parse(r.from) < Date.parse(r.to);
const rangeIsBounded = (r: { from: string; to: string }) =>
  Date.parse(r.to) - Date.parse(r.from) <= REPORTING_MAX_RANGE_DAYS * 86_400_000;
const RANGE_ORDER = { message: '`from` must be before `to`', path: ['to'] };
const RANGE_LENGTH = { message: `a range is at most ${REPORTING_MAX_RANGE_DAYS} days`, path: ['to'] };

// ---- call records ---------------------------------------------------------------------

/** Filters of the call-record list and its CSV export (all optional, combined with AND). */
export const CallRecordFilter = z
  .object({
    campaignId: Uuid.optional(),
    agentId: z.string().min(1).max(100).optional(),
    /** One call (the agent desktop looks up the call it is on). */
    callId: z.string().min(1).max(200).optional(),
    /** Calls dialed at or after. */
    from: IsoDateTime.optional(),
    /** Calls dialed before. */
    to: IsoDateTime.optional(),
    outcomes: z.array(ContactOutcome).min(1).max(20).optional(),
    /** The customer's number, E.164. */
    phone: E164.optional(),
    abandoned: z.boolean().optional(),
    /** Only the calls that are over (true) or still live (false). */
    ended: z.boolean().optional(),
  })
  .strict();
export type CallRecordFilter = z.infer<typeof CallRecordFilter>;

export const ListCallRecordsRequest = z
  .object({
    filter: CallRecordFilter.default({}),
    /** By dial time, then call id. Calls not dialed yet (only later events seen) come last. */
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.number().int().min(1).max(500).default(50),
    /** The `nextCursor` of the previous page, with the same filter and order. */
    cursor: z.string().min(1).max(500).optional(),
  })
  .strict();
export type ListCallRecordsRequest = z.infer<typeof ListCallRecordsRequest>;
export const ListCallRecordsReply = z.object({
  items: z.array(ReportedCall),
  nextCursor: z.string().nullable(),
});
export type ListCallRecordsReply = z.infer<typeof ListCallRecordsReply>;
export const listCallRecordsRpc = defineRpc(
  'reporting',
  'calls.list',
  ListCallRecordsRequest,
  ListCallRecordsReply,
);

/** A CSV chunk stays under this many bytes (NATS' default payload limit is 1 MiB). */
export const CSV_CHUNK_MAX_BYTES = 256 * 1024;

/**
 * One chunk of the call records as CSV (RFC 4180, UTF-8, CRLF). The first chunk (no
 * cursor) starts with the header line; ask again with `nextCursor` until it is null and
 * concatenate the chunks. Cells that a spreadsheet would run as a formula (starting with
 * `=`, `+`, `-`, `@`, tab or CR) are written with a leading `'`; the E.164 phone is
 * never escaped (digits after a `+`, nothing to run).
 */
export const ExportCallRecordsRequest = z
  .object({
    filter: CallRecordFilter.default({}),
    order: z.enum(['asc', 'desc']).default('asc'),
    /** Rows per chunk at most (a chunk also stops at CSV_CHUNK_MAX_BYTES). */
    maxRows: z.number().int().min(1).max(5_000).default(1_000),
    cursor: z.string().min(1).max(500).optional(),
  })
  .strict();
export type ExportCallRecordsRequest = z.infer<typeof ExportCallRecordsRequest>;
export const ExportCallRecordsReply = z.object({
  /** CSV text: the header line (first chunk only), then one line per call. */
  chunk: z.string(),
  rows: z.number().int().nonnegative(),
  nextCursor: z.string().nullable(),
  /** Suggested file name for the whole export. */
  fileName: z.string(),
});
export type ExportCallRecordsReply = z.infer<typeof ExportCallRecordsReply>;
export const exportCallRecordsRpc = defineRpc(
  'reporting',
  'calls.exportCsv',
  ExportCallRecordsRequest,
  ExportCallRecordsReply,
);

// ---- KPIs -----------------------------------------------------------------------------

export const QueryKpisRequest = z
  .object({
    ...Range,
    /** `total`: one bucket for the whole range; else buckets aligned on UTC. */
    interval: KpiInterval.default('total'),
    groupBy: KpiGroupBy.default('campaign'),
    campaignIds: z.array(Uuid).min(1).max(200).optional(),
    agentIds: z.array(z.string().min(1).max(100)).min(1).max(1_000).optional(),
  })
  .strict()
  .refine(rangeIsOrdered, RANGE_ORDER)
  .refine(rangeIsBounded, RANGE_LENGTH);
export type QueryKpisRequest = z.infer<typeof QueryKpisRequest>;
export const QueryKpisReply = z.object({
  from: IsoDateTime,
  to: IsoDateTime,
  interval: KpiInterval,
  groupBy: KpiGroupBy,
  /** Ordered by group, then bucket. A group with no activity in a bucket has no row. */
  rows: z.array(KpiRow),
});
export type QueryKpisReply = z.infer<typeof QueryKpisReply>;
export const queryKpisRpc = defineRpc('reporting', 'kpis.query', QueryKpisRequest, QueryKpisReply);

/**
 * The rows of `kpis.query` as CSV chunks, exactly like `calls.exportCsv`: ask with no
 * cursor, then with each `nextCursor` (and the same query) until it is null, and
 * concatenate the chunks. One line per group and bucket; the columns are reporting-domain's
 * KPI_CSV_COLUMNS (a KPI per column, units in the headers).
 */
export const ExportKpisCsvRequest = z
  .object({
    query: QueryKpisRequest,
    /** Rows per chunk at most (a chunk also stops at CSV_CHUNK_MAX_BYTES). */
    maxRows: z.number().int().min(1).max(5_000).default(1_000),
    cursor: z.string().min(1).max(500).optional(),
  })
  .strict();
export type ExportKpisCsvRequest = z.infer<typeof ExportKpisCsvRequest>;
export const exportKpisCsvRpc = defineRpc(
  'reporting',
  'kpis.exportCsv',
  ExportKpisCsvRequest,
  ExportCallRecordsReply,
);

/**
 * A campaign's KPIs beside what manual dialing would have given on the same attempts
 * (the demo's table and its `--json` file), estimated from the campaign's own call
 * records: each attempt costs a manual agent the dialing overhead and its ring time, each
 * machine the time to recognise it, each live answer a talk of the campaign's mean talk
 * time plus its mean wrap-up.
 */
export const CompareManualRequest = z
  .object({
    campaignId: Uuid,
    ...Range,
    /** Seconds a manual agent spends finding and dialing the next number. */
    dialOverheadSeconds: z.number().min(0).max(120).default(6),
    /** Seconds a manual agent spends on an answering machine before hanging up. */
    machineListenSeconds: z.number().min(0).max(120).default(5),
  })
  .strict()
  .refine(rangeIsOrdered, RANGE_ORDER)
  .refine(rangeIsBounded, RANGE_LENGTH);
export const CompareManualReply = z.object({
  campaign: z.object({
    dials: z.number().int().nonnegative(),
    liveAnswers: z.number().int().nonnegative(),
    connects: z.number().int().nonnegative(),
    abandons: z.number().int().nonnegative(),
    abandonRate: z.number().nonnegative(),
    occupancy: z.number().nonnegative(),
    talkMinutesPerAgentHour: z.number().nonnegative(),
    contactsPerAgentHour: z.number().nonnegative(),
  }),
  manual: z.object({
    talkMinutesPerAgentHour: z.number().nonnegative(),
    contactsPerAgentHour: z.number().nonnegative(),
  }),
});
export type CompareManualReply = z.infer<typeof CompareManualReply>;
export const compareManualRpc = defineRpc(
  'reporting',
  'kpis.compareManual',
  CompareManualRequest,
  CompareManualReply,
);

// ---- regulator windows, agent time ---------------------------------------------------

/** A campaign's abandon rate over the US (30 days) and UK (24 hours) windows ending at `at`. */
export const AbandonWindowsRequest = z
  .object({
    campaignId: Uuid,
    /** End of the windows (exclusive); default: now. */
    at: IsoDateTime.optional(),
  })
  .strict();
export const AbandonWindowsReply = z.object({
  campaignId: Uuid,
  at: IsoDateTime,
  windows: z.array(AbandonWindow),
});
export type AbandonWindowsReply = z.infer<typeof AbandonWindowsReply>;
export const abandonWindowsRpc = defineRpc(
  'reporting',
  'abandon.windows',
  AbandonWindowsRequest,
  AbandonWindowsReply,
);

/** Time per agent, campaign and state over a range (the agent state intervals, clipped). */
export const AgentStateTimesRequest = z
  .object({
    ...Range,
    agentId: z.string().min(1).max(100).optional(),
    campaignId: z.string().min(1).max(100).optional(),
  })
  .strict()
  .refine(rangeIsOrdered, RANGE_ORDER)
  .refine(rangeIsBounded, RANGE_LENGTH);
export const AgentStateTimesReply = z.object({ items: z.array(AgentStateTime) });
export const agentStateTimesRpc = defineRpc(
  'reporting',
  'agentStates.times',
  AgentStateTimesRequest,
  AgentStateTimesReply,
);

// ---- compliance refusals -------------------------------------------------------------

/** Refused dials decided within `[from, to)`, per campaign, stage, rule and result. */
export const DialRefusalsRequest = z
  .object({
    ...Range,
    campaignIds: z.array(Uuid).min(1).max(200).optional(),
  })
  .strict()
  .refine(rangeIsOrdered, RANGE_ORDER)
  .refine(rangeIsBounded, RANGE_LENGTH);
export type DialRefusalsRequest = z.infer<typeof DialRefusalsRequest>;
export const DialRefusalsReply = z.object({
  from: IsoDateTime,
  to: IsoDateTime,
  /** Ordered by campaign, stage, rule, result; combinations never seen have no row. */
  rows: z.array(DialRefusalCount),
  /** Every refusal of the reply's rows. */
  total: z.number().int().nonnegative(),
});
export type DialRefusalsReply = z.infer<typeof DialRefusalsReply>;
export const dialRefusalsRpc = defineRpc(
  'reporting',
  'refusals.summary',
  DialRefusalsRequest,
  DialRefusalsReply,
);

// ---- inbound calls the gate refused (call.inboundRejected) -----------------------------

/** Filters of the inbound-rejection list and its CSV export (all optional, combined with AND). */
export const InboundRejectionFilter = z
  .object({
    /** Rejected at or after. */
    from: IsoDateTime.optional(),
    /** Rejected before. */
    to: IsoDateTime.optional(),
    /** The caller, E.164. */
    callerNumber: E164.optional(),
    /** The list that matched. */
    list: InboundRejectionList.optional(),
  })
  .strict()
  .refine((f) => !f.from || !f.to || rangeIsOrdered({ from: f.from, to: f.to }), RANGE_ORDER);
export type InboundRejectionFilter = z.infer<typeof InboundRejectionFilter>;

/** Refused inbound calls, newest first by default; keyset-paged by (rejection time, event id). */
export const ListInboundRejectionsRequest = z
  .object({
    filter: InboundRejectionFilter.default({}),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.number().int().min(1).max(500).default(50),
    /** The `nextCursor` of the previous page, with the same filter and order. */
    cursor: z.string().min(1).max(500).optional(),
  })
  .strict();
export type ListInboundRejectionsRequest = z.infer<typeof ListInboundRejectionsRequest>;
export const ListInboundRejectionsReply = z.object({
  items: z.array(InboundRejection),
  nextCursor: z.string().nullable(),
});
export type ListInboundRejectionsReply = z.infer<typeof ListInboundRejectionsReply>;
export const listInboundRejectionsRpc = defineRpc(
  'reporting',
  'inboundRejections.list',
  ListInboundRejectionsRequest,
  ListInboundRejectionsReply,
);

/**
 * One chunk of the refused inbound calls as CSV, exactly like `calls.exportCsv`: ask with
 * no cursor, then with each `nextCursor` until it is null, and concatenate the chunks.
 */
export const ExportInboundRejectionsRequest = z
  .object({
    filter: InboundRejectionFilter.default({}),
    order: z.enum(['asc', 'desc']).default('asc'),
    maxRows: z.number().int().min(1).max(5_000).default(1_000),
    cursor: z.string().min(1).max(500).optional(),
  })
  .strict();
export type ExportInboundRejectionsRequest = z.infer<typeof ExportInboundRejectionsRequest>;
export const exportInboundRejectionsRpc = defineRpc(
  'reporting',
  'inboundRejections.exportCsv',
  ExportInboundRejectionsRequest,
  ExportCallRecordsReply,
);

// ---- abandon history per minute (the dialer's window after a start or take-over) ------

/** Longest history `abandon.minutes` returns: the UK rule's 24 hours. */
export const ABANDON_MINUTES_MAX_SECONDS = 86_400;

/**
 * A campaign's live answers, abandons and AMD machine verdicts per minute of dial time
 * over the `windowSeconds` ending at `at` (minutes with none are left out): what a dialer
 * replica that starts pacing a campaign (or takes it over) seeds its abandon window with,
 * so that it paces as if it had seen the calls another replica made.
 */
export const AbandonMinutesRequest = z
  .object({
    campaignId: Uuid,
    windowSeconds: z
      .number()
      .int()
      .min(60)
      .max(ABANDON_MINUTES_MAX_SECONDS)
      .default(ABANDON_MINUTES_MAX_SECONDS),
    /** End of the window (exclusive); default: now. */
    at: IsoDateTime.optional(),
  })
  .strict();
export const AbandonMinute = z.object({
  /** Start of the minute (UTC). */
  start: IsoDateTime,
  /** Regulator live answers (people; AMD false positives excluded). */
  liveAnswers: z.number().int().nonnegative(),
  /** Regulator abandons. */
  abandons: z.number().int().nonnegative(),
  /**
   * Machine verdicts the calls ended on with nobody connected (hung up, message left): the
   * dialer's `machineDetected` facts; a machine passed to an agent is a live answer instead.
   */
  machineDetections: z.number().int().nonnegative(),
});
export type AbandonMinute = z.infer<typeof AbandonMinute>;
export const AbandonMinutesReply = z.object({
  campaignId: Uuid,
  from: IsoDateTime,
  to: IsoDateTime,
  /** Oldest first. */
  minutes: z.array(AbandonMinute),
});
export type AbandonMinutesReply = z.infer<typeof AbandonMinutesReply>;
export const abandonMinutesRpc = defineRpc(
  'reporting',
  'abandon.minutes',
  AbandonMinutesRequest,
  AbandonMinutesReply,
);
