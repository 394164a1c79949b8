import { z } from 'zod';
import { IsoDateTime, PhoneRegion, Uuid } from './campaign.schemas';

/**
 * Contact lists and their streamed imports.
 *
 * An import is fed in ordered chunks over request/reply (NATS payloads stop at 1 MB):
 * `list.importStart` -> `list.importChunk` (seq 0, 1, 2, ... the last one with
 * `last: true`) -> `list.importStatus` at any time -> `list.importRejects` (paged).
 * Each chunk is parsed and committed before its reply, so a reply means "these bytes are
 * in"; re-sending a chunk already applied returns the current status and changes
 * nothing (safe to retry after a timeout); a chunk ahead of `nextSeq` is refused with
 * CONFLICT and `details.expectedSeq`. Chunks may split a line or a UTF-8 character
 * anywhere: the service carries the incomplete tail over to the next chunk.
 */

export const ContactList = z.object({
  id: Uuid,
  campaignId: Uuid,
  name: z.string(),
  defaultRegion: PhoneRegion,
  /** Contacts this list brought into the campaign (first seen in this list). */
  contactCount: z.number().int().nonnegative(),
  createdAt: IsoDateTime,
});
export type ContactList = z.infer<typeof ContactList>;

export const CreateListRequest = z.object({
  campaignId: Uuid,
  name: z.string().trim().min(1).max(200),
  /** Region for national numbers; default: the campaign's `defaultRegion`. */
  defaultRegion: PhoneRegion.optional(),
  /** The same key again returns the list created the first time. */
  idempotencyKey: z.string().min(1).max(200).optional(),
});

export const ImportFormat = z.enum(['csv', 'json', 'ndjson']);
export type ImportFormat = z.infer<typeof ImportFormat>;

/**
 * Which source columns (CSV header names, JSON keys; matched case-insensitively) hold the
 * contact's own fields. Unset: the usual names are recognised (`phone`, `phone_number`,
 * `mobile`, `msisdn`, `tel`, `sdt`, `so_dien_thoai`, `số điện thoại`; `name`,
 * `full_name`, `ho_ten`; `priority`; `timezone`, `time_zone`; `owner`, `agent_id`).
 * Alternate numbers of the contact come from `alternatePhones` (in that order), else from the
 * usual names (`phone2`, `phone_2`, `alt_phone`, `alternate_phone`, `other_phone`,
 * `home_phone`, `work_phone`, `sdt2`, ...) and any further column with a phone name
 * (`mobile` beside `phone`); at most `MAX_ALTERNATE_PHONES` per contact.
 * Every other column is kept as a custom field under its header name.
 */
export const ColumnMap = z
  .object({
    phone: z.string().min(1).max(200),
    name: z.string().min(1).max(200),
    priority: z.string().min(1).max(200),
    /** The column of the contact's zone: an IANA zone, an ISO country (`VN`) or an ISO 3166-2 region (`US-CA`); else TIME_ZONE_INVALID. */
    timeZone: z.string().min(1).max(200),
    ownerAgentId: z.string().min(1).max(200),
    alternatePhones: z.array(z.string().min(1).max(200)).min(1).max(5),
  })
  .partial()
  .strict();
export type ColumnMap = z.infer<typeof ColumnMap>;

/** Alternate numbers kept per contact (besides its main number). */
export const MAX_ALTERNATE_PHONES = 5;

export const StartImportRequest = z.object({
  listId: Uuid,
  format: ImportFormat,
  /** CSV only: `,` `;` `\t` or `|`; unset: detected from the header line. */
  delimiter: z.enum([',', ';', '\t', '|']).optional(),
  /** CSV only: column names when the file has no header line (then every line is data). */
  columns: z.array(z.string().min(1).max(200)).min(1).max(500).optional(),
  columnMap: ColumnMap.optional(),
  /** Region for national numbers; default: the list's. */
  defaultRegion: PhoneRegion.optional(),
  /** Size of the whole upload when known (Content-Length): makes `progress` a fraction. */
  totalBytes: z.number().int().nonnegative().optional(),
  fileName: z.string().max(500).optional(),
  /** The same key again returns the import started the first time. */
  idempotencyKey: z.string().min(1).max(200).optional(),
});
export type StartImportRequest = z.infer<typeof StartImportRequest>;

/** Raw chunk size we ask senders to stay under: base64 of 512 KiB is ~700 KB, inside NATS's 1 MB. */
export const IMPORT_CHUNK_MAX_BYTES = 512 * 1024;
/** Timeout a sender should give `list.importChunk` (a chunk is parsed and committed before the reply). */
export const IMPORT_CHUNK_TIMEOUT_MS = 30_000;

export const ImportChunkRequest = z.object({
  importId: Uuid,
  /** 0, 1, 2, ... in order. */
  seq: z.number().int().nonnegative(),
  /** The chunk's bytes: base64 (default; any split is safe) or UTF-8 text. */
  data: z.string().max(1_000_000),
  encoding: z.enum(['base64', 'utf8']).default('base64'),
  /** The final chunk (it may be empty): the import completes with it. */
  last: z.boolean().default(false),
});
export type ImportChunkRequest = z.infer<typeof ImportChunkRequest>;

export const ImportState = z.enum(['receiving', 'completed', 'aborted', 'failed']);
export type ImportState = z.infer<typeof ImportState>;

export const ImportStatus = z.object({
  importId: Uuid,
  listId: Uuid,
  campaignId: Uuid,
  state: ImportState,
  format: ImportFormat,
  fileName: z.string().nullable(),
  /** The seq the next chunk must carry. */
  nextSeq: z.number().int().nonnegative(),
  bytesReceived: z.number().int().nonnegative(),
  totalBytes: z.number().int().nonnegative().nullable(),
  /** 0..1: bytesReceived / totalBytes while receiving (null when the size is unknown), 1 once completed. */
  progress: z.number().min(0).max(1).nullable(),
  /**
   * Data rows seen so far (blank lines are not rows); always
   * `rowsIn = accepted + merged + rejected`.
   */
  rowsIn: z.number().int().nonnegative(),
  /** Rows that created a new contact in the campaign. */
  accepted: z.number().int().nonnegative(),
  /** Rows whose number was already a contact of the campaign (earlier in this file or from before): merged into it. */
  merged: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  /** Cells reported without losing their row (a bad alternate number): see `list.importWarnings`. */
  warnings: z.number().int().nonnegative().optional(),
  blankLines: z.number().int().nonnegative(),
  startedAt: IsoDateTime,
  updatedAt: IsoDateTime,
  completedAt: IsoDateTime.nullable(),
  /** Why the import failed or was aborted. */
  error: z.string().nullable(),
});
export type ImportStatus = z.infer<typeof ImportStatus>;

export const ImportRejectCode = z.enum([
  'PHONE_MISSING',
  'PHONE_INVALID',
  'COLUMN_COUNT',
  'MALFORMED_ROW',
  'NOT_AN_OBJECT',
  'PRIORITY_INVALID',
  'TIME_ZONE_INVALID',
  'OWNER_INVALID',
  'ROW_TOO_LARGE',
]);
export type ImportRejectCode = z.infer<typeof ImportRejectCode>;

export const ImportReject = z.object({
  /** 1-based line of the file where the row starts (the header is line 1 of a CSV with a header). */
  line: z.number().int().positive(),
  /**
   * 1-based ordinal of the row among the file's rows (accepted, merged and rejected alike;
   * blank lines are not rows): tells rows apart when several share a line (minified JSON).
   */
  row: z.number().int().positive(),
  code: ImportRejectCode,
  reason: z.string(),
  /**
   * The row as received (CSV: its cells; JSON: the object), formula-escaped like every
   * value the service returns, cut to 2,000 characters; `null` when it could not be read.
   */
  raw: z.unknown().nullable(),
});
export type ImportReject = z.infer<typeof ImportReject>;

export const ImportRejectsRequest = z.object({
  importId: Uuid,
  /** Rejects after this line (the previous page's `nextAfterLine`). */
  afterLine: z.number().int().nonnegative().default(0),
  /** Rejects after this row (the previous page's `nextAfterRow`): use it for JSON, where rows may share a line. */
  afterRow: z.number().int().nonnegative().default(0),
  limit: z.number().int().min(1).max(1000).default(100),
});

export const ImportRejectsPage = z.object({
  items: z.array(ImportReject),
  /** Pass back as `afterLine`; null at the end. */
  nextAfterLine: z.number().int().positive().nullable(),
  /** Pass back as `afterRow`; null at the end. */
  nextAfterRow: z.number().int().positive().nullable(),
  totalRejected: z.number().int().nonnegative(),
});
export type ImportRejectsPage = z.infer<typeof ImportRejectsPage>;

/** A cell of an accepted row that was left out (the row itself is kept): a bad alternate number. */
export const ImportWarningCode = z.enum(['ALT_PHONE_INVALID', 'ALT_PHONE_LIMIT']);
export type ImportWarningCode = z.infer<typeof ImportWarningCode>;

export const ImportWarning = z.object({
  line: z.number().int().positive(),
  /** The row's ordinal, as in `ImportReject.row`. */
  row: z.number().int().positive(),
  /** The source column (header name or JSON key), formula-escaped. */
  column: z.string(),
  code: ImportWarningCode,
  reason: z.string(),
  /** The cell as received, formula-escaped, cut to 200 characters. */
  value: z.string(),
});
export type ImportWarning = z.infer<typeof ImportWarning>;

export const ImportWarningsRequest = z.object({
  importId: Uuid,
  /** Warnings after this row (the previous page's `nextAfterRow`). */
  afterRow: z.number().int().nonnegative().default(0),
  limit: z.number().int().min(1).max(1000).default(100),
});

export const ImportWarningsPage = z.object({
  items: z.array(ImportWarning),
  /** Pass back as `afterRow`; null at the end (a row's warnings are never split across pages). */
  nextAfterRow: z.number().int().positive().nullable(),
  totalWarnings: z.number().int().nonnegative(),
});
export type ImportWarningsPage = z.infer<typeof ImportWarningsPage>;
