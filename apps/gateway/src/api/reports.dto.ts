import { z } from 'zod';
import {
  CompareManualReply,
  ContactOutcome,
  InboundRejectionList,
  KpiGroupBy,
  KpiInterval,
  ReportedCall,
} from '@autotelesale/contracts';

/**
 * The query strings of the reporting routes (apps/gateway/src/api/reports.controller.ts).
 * Query values arrive as text: numbers and booleans are coerced here, lists are
 * comma-separated. The service validates again with the contract's own schema.
 */

const IsoDateTime = z.iso.datetime({ offset: true });
const Id = z.string().min(1).max(100);

/** `a,b,c` -> `['a', 'b', 'c']`. */
const commaList = <T extends z.ZodType>(item: T, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v),
    z.array(item).min(1).max(max).optional(),
  );

/** `true` / `false` only (a `z.coerce.boolean()` would read `false` as true). */
const QueryBoolean = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();

/** Filters shared by the call-record list and its CSV export. */
const CallFilterFields = {
  campaignId: z.uuid().optional(),
  /** An agent sees its own calls whatever it asks for. */
  agentId: Id.optional(),
  callId: z.string().min(1).max(200).optional(),
  /** Calls dialed at or after (ISO 8601 with offset). */
  from: IsoDateTime.optional(),
  /** Calls dialed before. */
  to: IsoDateTime.optional(),
  /** Outcomes, comma-separated: answered, busy, noAnswer, machine, failed, abandoned, invalidNumber... */
  status: commaList(ContactOutcome, 20),
  /** The customer's number, E.164 (`+84...`). */
  phone: z.string().min(3).max(40).optional(),
  /** The regulator's abandons only (true) or everything else (false). */
  abandoned: QueryBoolean,
  /** Calls that are over (true) or still live (false). */
  ended: QueryBoolean,
};

export const CallRecordsQuery = z
  .object({
    ...CallFilterFields,
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().min(1).max(500).optional(),
  })
  .strict();
export type CallRecordsQuery = z.infer<typeof CallRecordsQuery>;

export const CallRecordsCsvQuery = z
  .object({ ...CallFilterFields, order: z.enum(['asc', 'desc']).default('asc') })
  .strict();
export type CallRecordsCsvQuery = z.infer<typeof CallRecordsCsvQuery>;

/** A call record as the API shows it: the service's record and a link to its recording. */
export const CallRecordView = ReportedCall.extend({
  /**
   * Where the recording can be fetched: `recordingPath` as the node wrote it, as a
   * `file://` URL (null when the call was not recorded). Recordings are served by the
   * media store, not by the gateway.
   */
  recordingLink: z.string().nullable(),
});
export const CallRecordsPage = z.object({
  items: z.array(CallRecordView),
  nextCursor: z.string().nullable(),
});

export const KpisQuery = z
  .object({
    from: IsoDateTime,
    to: IsoDateTime,
    /** `total` (one bucket), `15m`, `1h` or `1d` (UTC-aligned buckets). */
    interval: KpiInterval.default('total'),
    /** `campaign`, `agent` or `none`. An agent may only ask for `agent` (its own). */
    groupBy: KpiGroupBy.default('campaign'),
    campaignIds: commaList(z.uuid(), 200),
    agentIds: commaList(Id, 1_000),
  })
  .strict();
export type KpisQuery = z.infer<typeof KpisQuery>;

export const RangeQuery = z.object({ from: IsoDateTime, to: IsoDateTime }).strict();

export const ManualComparisonQuery = z
  .object({
    from: IsoDateTime,
    to: IsoDateTime,
    /** Seconds a manual agent spends finding and dialing the next number (default 6). */
    dialOverheadSeconds: z.coerce.number().min(0).max(120).optional(),
    /** Seconds a manual agent spends on an answering machine (default 5). */
    machineListenSeconds: z.coerce.number().min(0).max(120).optional(),
  })
  .strict();
export type ManualComparisonQuery = z.infer<typeof ManualComparisonQuery>;
export { CompareManualReply };

export const AbandonWindowsQuery = z.object({ at: IsoDateTime.optional() }).strict();

export const AgentStatesQuery = z
  .object({
    from: IsoDateTime,
    to: IsoDateTime,
    agentId: Id.optional(),
    campaignId: Id.optional(),
  })
  .strict();
export type AgentStatesQuery = z.infer<typeof AgentStatesQuery>;

export const DialRefusalsQuery = z
  .object({
    /** Refusals decided at or after (ISO 8601 with offset). */
    from: IsoDateTime,
    /** Refusals decided before. */
    to: IsoDateTime,
    campaignIds: commaList(z.uuid(), 200),
  })
  .strict();
export type DialRefusalsQuery = z.infer<typeof DialRefusalsQuery>;

/** Filters shared by the inbound-rejection list and its CSV export. */
const InboundRejectionFilterFields = {
  /** Rejected at or after (ISO 8601 with offset). */
  from: IsoDateTime.optional(),
  /** Rejected before. */
  to: IsoDateTime.optional(),
  /** The caller, E.164 (`+84...`). */
  callerNumber: z.string().min(3).max(40).optional(),
  /** The list that matched: `blacklist` (the only list that refuses inbound calls). */
  list: InboundRejectionList.optional(),
};

export const InboundRejectionsQuery = z
  .object({
    ...InboundRejectionFilterFields,
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().min(1).max(500).optional(),
  })
  .strict();
export type InboundRejectionsQuery = z.infer<typeof InboundRejectionsQuery>;

export const InboundRejectionsCsvQuery = z
  .object({ ...InboundRejectionFilterFields, order: z.enum(['asc', 'desc']).default('asc') })
  .strict();
export type InboundRejectionsCsvQuery = z.infer<typeof InboundRejectionsCsvQuery>;
