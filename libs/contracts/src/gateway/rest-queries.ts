import { z } from 'zod';
import { AgentState } from '../agent';
import { CallbackState, CampaignStatus, ContactStatus, ImportFormat, PhoneRegion } from '../campaign';

/** `a,b,c` in a query string -> `['a', 'b', 'c']`. */
const commaList = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v),
    z.array(item).min(1).optional(),
  );

const Limit = z.coerce.number().int().min(1).max(500).default(50);
const CursorParam = z.string().min(1).max(500).optional();

export const ListCampaignsQuery = z
  .object({ status: commaList(CampaignStatus), limit: Limit, cursor: CursorParam })
  .strict();

export const ListContactsQuery = z
  .object({
    listId: z.uuid().optional(),
    segmentId: z.uuid().optional(),
    status: commaList(ContactStatus),
    ownerAgentId: z.string().min(1).max(100).optional(),
    phone: z.string().min(3).max(40).optional(),
    limit: Limit,
    cursor: CursorParam,
  })
  .strict();

export const ListDispositionsQuery = z
  .object({
    contactId: z.uuid().optional(),
    agentId: z.string().min(1).max(100).optional(),
    limit: Limit,
    cursor: CursorParam,
  })
  .strict();

export const ListCallbacksQuery = z
  .object({
    ownerAgentId: z.string().min(1).max(100).optional(),
    state: commaList(CallbackState),
    limit: Limit,
    cursor: CursorParam,
  })
  .strict();

export const ListAgentsQuery = z
  .object({ groupId: z.uuid().optional(), states: commaList(AgentState), limit: Limit, cursor: CursorParam })
  .strict();

export const IntervalsQuery = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    campaignId: z.string().optional(),
  })
  .strict();

export const ImportRejectsQuery = z.object({ limit: Limit, cursor: CursorParam }).strict();

/**
 * How to read an uploaded contact file. The format comes from `format` or else from the
 * Content-Type (`text/csv`, `application/x-ndjson`, `application/json`).
 */
export const UploadImportQuery = z
  .object({
    format: ImportFormat.optional(),
    delimiter: z.enum([',', ';', '\t', '|']).optional(),
    /** CSV without a header line: the column names, comma-separated. */
    columns: z
      .string()
      .max(10_000)
      .transform((s) => s.split(',').map((c) => c.trim()))
      .optional(),
    phoneColumn: z.string().min(1).max(200).optional(),
    nameColumn: z.string().min(1).max(200).optional(),
    priorityColumn: z.string().min(1).max(200).optional(),
    timeZoneColumn: z.string().min(1).max(200).optional(),
    ownerColumn: z.string().min(1).max(200).optional(),
    defaultRegion: PhoneRegion.optional(),
    fileName: z.string().max(500).optional(),
  })
  .strict();
export type UploadImportQuery = z.infer<typeof UploadImportQuery>;
