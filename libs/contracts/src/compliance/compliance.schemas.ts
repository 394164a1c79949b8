import { z } from 'zod';
import {
  Cursor,
  E164,
  ExternalId,
  IsoDateTime,
  PageLimit,
  PhoneRegion,
  Uuid,
} from '../campaign/campaign.schemas';

/**
 * Compliance at the moment of dialing (issue 8): do-not-call lists, the dialer's
 * clear-to-dial check right before each originate, and the audit record every decision
 * leaves. Served by campaign-service (it owns the contacts and the lists).
 */

/**
 * `global`: never called by any campaign. `campaign`: not by this campaign. `blacklist`:
 * numbers that harass agents (seed 003): never called, and their inbound calls refused.
 */
export const DncListKind = z.enum(['global', 'campaign', 'blacklist']);
export type DncListKind = z.infer<typeof DncListKind>;

/** Which list: `campaignId` exactly for `campaign` lists. */
export const DncListRef = z
  .object({ kind: DncListKind, campaignId: Uuid.optional() })
  .refine((l) => (l.kind === 'campaign') === (l.campaignId !== undefined), {
    message: 'campaignId is required for a campaign list and only for it',
    path: ['campaignId'],
  });
export type DncListRef = z.infer<typeof DncListRef>;

export const DncEntry = z.object({
  kind: DncListKind,
  campaignId: Uuid.nullable(),
  phone: E164,
  reason: z.string().nullable(),
  /** Who added it: `api`, `import`, `agent:<id>`, ... */
  source: z.string().nullable(),
  expiresAt: IsoDateTime.nullable(),
  createdAt: IsoDateTime,
});
export type DncEntry = z.infer<typeof DncEntry>;

const PhoneInput = z.string().min(3).max(40);

export const AddDncEntriesRequest = z.object({
  list: DncListRef,
  /** Any format; national numbers are read with `defaultRegion`. */
  phones: z.array(PhoneInput).min(1).max(1000),
  defaultRegion: PhoneRegion.default('VN'),
  reason: z.string().max(500).optional(),
  source: z.string().max(100).optional(),
  expiresAt: IsoDateTime.optional(),
});
export type AddDncEntriesRequest = z.infer<typeof AddDncEntriesRequest>;

export const DncRejectedRow = z.object({
  /** 1-based line of the CSV, or index + 1 of `phones`. */
  line: z.number().int().positive(),
  value: z.string(),
  code: z.string(),
  reason: z.string(),
});

export const AddDncEntriesReply = z.object({
  added: z.number().int().nonnegative(),
  /** Already on the list (the entry is kept, its reason and expiry updated). */
  alreadyListed: z.number().int().nonnegative(),
  rejected: z.array(DncRejectedRow),
  /** Imports: whether the first line was taken as a header row. */
  headerDetected: z.boolean().optional(),
});
export type AddDncEntriesReply = z.infer<typeof AddDncEntriesReply>;

/**
 * Bulk import: a CSV (UTF-8, with or without BOM) whose first column, or the column named
 * `phone`/`number`/`so_dien_thoai` in a header row, holds the numbers. At most 512 KiB per
 * request: send a bigger file in pieces cut at line ends.
 */
export const ImportDncRequest = z.object({
  list: DncListRef,
  csv: z
    .string()
    .min(1)
    .max(512 * 1024),
  /** Line number of the first line of `csv` in the whole file (a piece of a bigger file). */
  firstLine: z.number().int().min(1).default(1),
  /** The first line is a header row; absent: detected (a first row that is no number but has letters). */
  hasHeader: z.boolean().optional(),
  defaultRegion: PhoneRegion.default('VN'),
  reason: z.string().max(500).optional(),
  source: z.string().max(100).optional(),
  expiresAt: IsoDateTime.optional(),
});
export type ImportDncRequest = z.infer<typeof ImportDncRequest>;

export const RemoveDncEntriesRequest = z.object({
  list: DncListRef,
  phones: z.array(PhoneInput).min(1).max(1000),
  defaultRegion: PhoneRegion.default('VN'),
});
export const RemoveDncEntriesReply = z.object({ removed: z.number().int().nonnegative() });

export const ListDncEntriesRequest = z.object({
  list: DncListRef,
  limit: PageLimit,
  cursor: Cursor.optional(),
});
export type ListDncEntriesRequest = z.infer<typeof ListDncEntriesRequest>;

export const CheckNumberRequest = z.object({
  phone: PhoneInput,
  /** Also the lists of this campaign. */
  campaignId: Uuid.optional(),
  defaultRegion: PhoneRegion.default('VN'),
  /** `inbound`: a caller is refused only by the blacklist. */
  direction: z.enum(['outbound', 'inbound']).default('outbound'),
});
export const CheckNumberReply = z.object({
  phone: E164,
  allowed: z.boolean(),
  entries: z.array(DncEntry),
  /** The number once returned an invalid-number cause: never dialed again. */
  invalidNumber: z.boolean(),
});
export type CheckNumberReply = z.infer<typeof CheckNumberReply>;

// ---------------------------------------------------------------- clear to dial, audit

export const RefusalReason = z.enum([
  'leaseNotHeld',
  'campaignNotRunning',
  'invalidNumber',
  'doNotCall',
  'maxAttempts',
  'outsideHours',
  'dailyCap',
]);
export type RefusalReason = z.infer<typeof RefusalReason>;

/** Asked by the dialer right before it originates a leased contact. */
export const ClearToDialRequest = z.object({
  attemptId: Uuid,
  dialerId: ExternalId,
});
export type ClearToDialRequest = z.infer<typeof ClearToDialRequest>;

/**
 * `allowed: false`: do not dial. The lease is already given back by campaign-service
 * (the contact finished for good when `final`, else due again at `retryAt`): the dialer
 * only drops it, and records no outcome.
 */
export const ClearToDialReply = z.object({
  attemptId: Uuid,
  allowed: z.boolean(),
  reason: RefusalReason.nullable(),
  final: z.boolean(),
  retryAt: IsoDateTime.nullable(),
  auditId: Uuid,
});
export type ClearToDialReply = z.infer<typeof ClearToDialReply>;

/** The maximum number of attempts one `clearToDialMany` request clears. */
export const CLEAR_TO_DIAL_MANY_MAX = 200;

/**
 * Several attempts cleared at once (the dialer batches the contacts it is about to dial):
 * the same decision, audit record and refusal for each as `clearToDial` gives, in one
 * transaction.
 */
export const ClearToDialManyRequest = z.object({
  attemptIds: z
    .array(Uuid)
    .min(1)
    .max(CLEAR_TO_DIAL_MANY_MAX)
    .refine((ids) => new Set(ids).size === ids.length, { message: 'attemptIds must not repeat' }),
  dialerId: ExternalId,
});
export type ClearToDialManyRequest = z.infer<typeof ClearToDialManyRequest>;

/** One reply per attempt found, in the request's order; `notFound`: the unknown attempt ids (never dial them). */
export const ClearToDialManyReply = z.object({
  results: z.array(ClearToDialReply),
  notFound: z.array(Uuid),
});
export type ClearToDialManyReply = z.infer<typeof ClearToDialManyReply>;

export const RuleCheck = z.object({
  rule: z.string(),
  passed: z.boolean(),
  inputs: z.record(z.string(), z.unknown()),
  detail: z.string().optional(),
});

/** One decision to dial or not, with every rule checked and its inputs. */
export const DialAudit = z.object({
  id: Uuid,
  campaignId: Uuid,
  contactId: Uuid,
  attemptId: Uuid.nullable(),
  /** The number checked, masked except the last 3 digits: an audit trail is read by many. */
  phoneMasked: z.string(),
  /** Which of the contact's numbers was checked: 0 the main one, 1.. its alternates. */
  phoneIndex: z.number().int().nonnegative().optional(),
  /** `lease`: checked when the contact was leased; `dial`: the dialer's clear-to-dial check. */
  stage: z.enum(['lease', 'dial']),
  allowed: z.boolean(),
  reason: RefusalReason.nullable(),
  checks: z.array(RuleCheck),
  /** The instant decided for, on the compliance clock. */
  decidedFor: IsoDateTime,
  recordedAt: IsoDateTime,
});
export type DialAudit = z.infer<typeof DialAudit>;

export const ListDialAuditRequest = z.object({
  contactId: Uuid,
  limit: PageLimit,
  cursor: Cursor.optional(),
});
