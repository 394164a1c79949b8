import { z } from 'zod';
import { ErrorBody } from '../errors';
import { Cursor, E164, ExternalId, IsoDateTime, PageLimit, Uuid } from './campaign.schemas';

/**
 * Contacts and the queue the dialer draws from.
 *
 * Every text value that came from a list or a person (name, custom fields, notes) is
 * returned formula-escaped: a value starting with `=`, `+`, `-`, `@`, a tab or a carriage
 * return comes back with a leading `'` (stored as received). `phone` is never escaped:
 * it is a normalised E.164 number, not free text.
 */

export const ContactStatus = z.enum(['pending', 'leased', 'done']);
export type ContactStatus = z.infer<typeof ContactStatus>;

/** What the dialer reports for one attempt. */
export const ContactOutcome = z.enum([
  /** Connected to an agent (the disposition, when it comes, decides what follows). */
  'answered',
  'busy',
  'noAnswer',
  /** Answering machine detected. */
  'machine',
  /** Network or carrier failure. */
  'failed',
  /** The customer answered and no agent took the call within the grace. */
  'abandoned',
  /** The number does not exist: never dialed again. */
  'invalidNumber',
  /** Refused by a do-not-call rule at dial time: never dialed again. */
  'doNotCall',
  /**
   * Not dialed: the agent skipped the preview (or its time ran out with `skip`). Kept in
   * the contact's history and counts, never counted as a dial attempt; the contact is due
   * again after `retryRules.skippedDelaySeconds` (default 0: back behind the contacts due now).
   */
  'skipped',
]);
export type ContactOutcome = z.infer<typeof ContactOutcome>;

export const FinalReason = z.enum(['answered', 'disposition', 'maxAttempts', 'invalidNumber', 'doNotCall']);
export type FinalReason = z.infer<typeof FinalReason>;

export const FieldValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type FieldValue = z.infer<typeof FieldValue>;
export const CustomFields = z.record(z.string(), FieldValue);
export type CustomFields = z.infer<typeof CustomFields>;

export const ContactCallback = z.object({
  callbackId: Uuid,
  dueAt: IsoDateTime,
  /** The agent who asked for it ("ask for me"); null: anyone may take it. */
  ownerAgentId: ExternalId.nullable(),
  notes: z.string().nullable(),
});
export type ContactCallback = z.infer<typeof ContactCallback>;

export const Contact = z.object({
  id: Uuid,
  campaignId: Uuid,
  /** The list that first brought the contact in (null: created by a callback). */
  listId: Uuid.nullable(),
  /** The main number (the contact's key in its campaign). */
  phone: E164,
  /** Other numbers of the contact, tried in turn after the main one (retry rules move on after busy, no answer, failure, invalid number). */
  alternatePhones: z.array(E164).optional(),
  name: z.string().nullable(),
  fields: CustomFields,
  /** Where the contact is, from the import: an IANA zone, an ISO country (`VN`) or an ISO 3166-2 region (`US-CA`); null: the number decides. */
  timeZone: z.string().nullable(),
  priority: z.number().int(),
  /** The agent this contact was assigned to when the list was split; null: anyone's. */
  ownerAgentId: ExternalId.nullable(),
  status: ContactStatus,
  /** When it may next be dialed (pending only). */
  dueAt: IsoDateTime.nullable(),
  attempts: z.number().int().nonnegative(),
  outcomeCounts: z.record(z.string(), z.number().int().nonnegative()),
  lastOutcome: ContactOutcome.nullable(),
  lastAttemptAt: IsoDateTime.nullable(),
  lastDisposition: z.string().nullable(),
  finalReason: FinalReason.nullable(),
  callback: ContactCallback.nullable(),
  version: z.number().int().positive(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Contact = z.infer<typeof Contact>;

// ---------------------------------------------------------------- segments

export const FilterOperator = z.enum([
  'eq',
  'neq',
  'in',
  'notIn',
  'contains',
  'startsWith',
  'exists',
  'notExists',
  'gt',
  'gte',
  'lt',
  'lte',
]);
export type FilterOperator = z.infer<typeof FilterOperator>;

/**
 * A condition on a custom field. eq/neq/in/notIn compare text exactly; contains and
 * startsWith ignore case; gt/gte/lt/lte compare numbers and are false when the field is
 * not a number; exists is true when the field is present and not empty.
 */
export const FilterCondition = z
  .object({
    field: z.string().min(1).max(200),
    op: FilterOperator,
    value: z
      .union([z.string().max(500), z.number(), z.boolean(), z.array(z.string().max(500)).max(500)])
      .optional(),
  })
  .refine(
    (c) =>
      c.op === 'exists' || c.op === 'notExists'
        ? c.value === undefined
        : c.op === 'in' || c.op === 'notIn'
          ? Array.isArray(c.value)
          : c.op === 'gt' || c.op === 'gte' || c.op === 'lt' || c.op === 'lte'
            ? typeof c.value === 'number'
            : c.value !== undefined && !Array.isArray(c.value),
    { message: 'value does not fit the operator', path: ['value'] },
  );
export type FilterCondition = z.infer<typeof FilterCondition>;

export const SegmentFilter = z.object({
  match: z.enum(['all', 'any']).default('all'),
  conditions: z.array(FilterCondition).min(1).max(20),
});
export type SegmentFilter = z.infer<typeof SegmentFilter>;

export const Segment = z.object({
  id: Uuid,
  campaignId: Uuid,
  name: z.string(),
  filter: SegmentFilter,
  createdAt: IsoDateTime,
});
export type Segment = z.infer<typeof Segment>;

/** Which contacts of a campaign an operation applies to; no selector: all of them. */
export const ContactSelector = z.object({
  campaignId: Uuid,
  listId: Uuid.optional(),
  segmentId: Uuid.optional(),
  filter: SegmentFilter.optional(),
  contactIds: z.array(Uuid).min(1).max(10_000).optional(),
});
export type ContactSelector = z.infer<typeof ContactSelector>;

export const ListContactsRequest = ContactSelector.extend({
  status: z.array(ContactStatus).min(1).optional(),
  /** A specific owner; `null`: unassigned contacts only. */
  ownerAgentId: ExternalId.nullable().optional(),
  /** Any number format; normalised with the campaign's region. */
  phone: z.string().min(3).max(40).optional(),
  limit: PageLimit,
  cursor: Cursor.optional(),
});

export const SetPriorityRequest = ContactSelector.extend({
  /** Higher first (after callbacks). Default of imported contacts: 0. */
  priority: z.number().int().min(-1000).max(1000),
});

/**
 * Split: the selected contacts are dealt to the agents in proportion to their weights
 * (equal weights: an even split, counts differing by at most one), in the queue's order,
 * so each agent gets a fair share of the best contacts.
 */
export const AssignContactsRequest = ContactSelector.extend({
  agents: z
    .array(z.object({ agentId: ExternalId, weight: z.number().positive().max(1000).default(1) }))
    .min(1)
    .max(2000),
  /** Leave contacts that already have an owner as they are (default); false: re-deal them too. */
  onlyUnassigned: z.boolean().default(true),
});

export const AssignContactsReply = z.object({
  assigned: z.number().int().nonnegative(),
  perAgent: z.array(z.object({ agentId: ExternalId, count: z.number().int().nonnegative() })),
});

export const BulkUpdateReply = z.object({ updated: z.number().int().nonnegative() });

// ---------------------------------------------------------------- leases and outcomes

/** Why a contact asked for by id (`LeaseContactsRequest.contactIds`) was not leased. */
export const LeaseRefusalReason = z.enum([
  /** Not a contact of this campaign. */
  'CONTACT_NOT_FOUND',
  /** Leased right now (another agent or dialer has it). */
  'CONTACT_LEASED',
  /** Final (answered, disposed, max attempts, invalid number, do-not-call). */
  'CONTACT_DONE',
  /** Owned by another agent (split list, "ask for me" callback). */
  'CONTACT_NOT_YOURS',
  /** Refused by compliance now: outside calling hours, on a DNC list, capped, invalid number. */
  'CONTACT_NOT_COMPLIANT',
  /** The campaign is not running. */
  'CAMPAIGN_NOT_RUNNING',
]);
export type LeaseRefusalReason = z.infer<typeof LeaseRefusalReason>;

export const LeaseContactsRequest = z.object({
  campaignId: Uuid,
  dialerId: ExternalId,
  count: z.number().int().min(1).max(200),
  leaseSeconds: z.number().int().min(1).max(3600).default(120),
  /**
   * The agents this lease is for (ready agents). Contacts owned by an agent (a split
   * list, an "ask for me" callback) are leased only when their owner is listed here.
   */
  agentIds: z.array(ExternalId).max(2000).optional(),
  /** Also lease contacts nobody owns (default true). */
  includeUnowned: z.boolean().default(true),
  /** Only contacts of this segment. */
  segmentId: Uuid.optional(),
  /**
   * Lease exactly these contacts of the campaign (an agent's click-to-call), each only if
   * every rule allows it now: not leased, not final, owned by nobody or by one of
   * `agentIds`, and cleared by compliance (calling hours, DNC, caps, invalid numbers).
   * Their due time is not waited for: the agent chose them. The others come back in
   * `refused` with the reason. `count` still caps how many are leased.
   */
  contactIds: z.array(Uuid).min(1).max(200).optional(),
});
export type LeaseContactsRequest = z.infer<typeof LeaseContactsRequest>;

/**
 * A leased contact. `phone` here is **the number to dial for this attempt** (the main
 * number or one of its alternates, chosen by the retry rules and cleared by compliance);
 * `primaryPhone` is the contact's main number and `phoneIndex` which of its numbers this is.
 */
export const LeasedContact = Contact.extend({
  /** The contact's main number (`phone` is the number to dial for this attempt). */
  primaryPhone: E164.optional(),
  /** 0: the main number; 1, 2, ...: `alternatePhones[phoneIndex - 1]`. */
  phoneIndex: z.number().int().nonnegative().optional(),
  /** The attempt this lease is for: report its outcome with it, renew or release with it. */
  attemptId: Uuid,
  /** 1 for the first dial of the contact. */
  attemptNumber: z.number().int().positive(),
  leaseExpiresAt: IsoDateTime,
});
export type LeasedContact = z.infer<typeof LeasedContact>;

export const LeaseContactsReply = z.object({
  /** Leases are granted only while the campaign is running: stop asking when it is not. */
  campaignStatus: z.string(),
  /** Callbacks first, first in first out (by when each fell due); then higher priority, then earliest due. */
  contacts: z.array(LeasedContact),
  /** With `contactIds`: the asked contacts not leased, and why. */
  refused: z.array(z.object({ contactId: Uuid, reason: LeaseRefusalReason })).optional(),
});
export type LeaseContactsReply = z.infer<typeof LeaseContactsReply>;

export const RenewLeaseRequest = z.object({
  dialerId: ExternalId,
  attemptIds: z.array(Uuid).min(1).max(500),
  leaseSeconds: z.number().int().min(1).max(3600),
});
export const RenewLeaseReply = z.object({
  renewed: z.array(z.object({ attemptId: Uuid, leaseExpiresAt: IsoDateTime })),
  /** Leases this dialer no longer holds (expired and reclaimed, released, or outcome recorded). */
  lost: z.array(Uuid),
});

/** Gives leased contacts back without an attempt (not dialed: outside hours, shutting down, ...). */
export const ReleaseLeaseRequest = z.object({
  dialerId: ExternalId,
  attemptIds: z.array(Uuid).min(1).max(500),
  /** When they may be dialed again (default: now). */
  dueAt: IsoDateTime.optional(),
  reason: z.string().min(1).max(200),
});
export const ReleaseLeaseReply = z.object({ released: z.array(Uuid), notHeld: z.array(Uuid) });

export const RecordOutcomeRequest = z.object({
  attemptId: Uuid,
  dialerId: ExternalId,
  outcome: ContactOutcome,
  callId: ExternalId.optional(),
  /** When the attempt ended (default: when recorded). */
  occurredAt: IsoDateTime.optional(),
  hangupCause: z.string().max(100).optional(),
  /** Facts for the record (node, durations, AMD result, ...). */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type RecordOutcomeRequest = z.infer<typeof RecordOutcomeRequest>;

/**
 * The result of recording an attempt's outcome. Recording the same attempt again returns
 * this same result (nothing changes); a different outcome for an attempt already
 * recorded is refused with CONFLICT.
 */
export const OutcomeResult = z.object({
  attemptId: Uuid,
  contactId: Uuid,
  campaignId: Uuid,
  outcome: ContactOutcome,
  attemptNumber: z.number().int().positive(),
  /**
   * False when the lease had expired and the contact had been leased again by then: the
   * attempt is recorded (and counted) but the current lessee's outcome decides what follows.
   */
  applied: z.boolean(),
  /** The lease had expired before the outcome arrived. */
  late: z.boolean(),
  contactStatus: ContactStatus,
  nextDueAt: IsoDateTime.nullable(),
  finalReason: FinalReason.nullable(),
  recordedAt: IsoDateTime,
});
export type OutcomeResult = z.infer<typeof OutcomeResult>;

/** The most outcomes one `contact.recordOutcomes` request may carry. */
export const RECORD_OUTCOMES_MAX = 200;

/** Several outcomes at once (the dialer gathers those of a few milliseconds). */
export const RecordOutcomesRequest = z
  .object({ outcomes: z.array(RecordOutcomeRequest).min(1).max(RECORD_OUTCOMES_MAX) })
  .strict();
export type RecordOutcomesRequest = z.infer<typeof RecordOutcomesRequest>;

/** One answer per outcome, at its index: what its own request answers, or the error it throws. */
export const RecordOutcomesReply = z.object({
  results: z.array(
    z.union([z.object({ ok: OutcomeResult }).strict(), z.object({ error: ErrorBody }).strict()]),
  ),
});
export type RecordOutcomesReply = z.infer<typeof RecordOutcomesReply>;
