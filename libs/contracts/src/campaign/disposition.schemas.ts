import { z } from 'zod';
import {
  Cursor,
  DispositionCodeName,
  ExternalId,
  IsoDateTime,
  PageLimit,
  PhoneRegion,
  Uuid,
} from './campaign.schemas';
import { ContactStatus, CustomFields, FieldValue } from './contact.schemas';

/**
 * Dispositions (what the agent records after a call) and callbacks ("call me back at").
 */

export const CallbackOwner = z.enum(['agent', 'anyone']);

export const RecordDispositionRequest = z.object({
  campaignId: Uuid,
  contactId: Uuid,
  /** One disposition per call: the same call again returns the first one. */
  callId: ExternalId,
  agentId: ExternalId,
  /** One of the campaign's disposition codes. */
  code: z.string().min(1).max(40),
  notes: z.string().max(10_000).optional(),
  /** Required by a callback code. */
  callbackAt: IsoDateTime.optional(),
  /** `agent` (default): only this agent gets the callback ("ask for me"); `anyone`: the next free agent. */
  callbackOwner: CallbackOwner.default('agent'),
  /** Required by a sale code. */
  saleValue: z.number().nonnegative().max(1e12).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  /** Values of the disposition set's custom fields, checked against their types. */
  fields: z.record(z.string(), FieldValue).default({}),
});
export type RecordDispositionRequest = z.infer<typeof RecordDispositionRequest>;

export const Disposition = z.object({
  id: Uuid,
  campaignId: Uuid,
  contactId: Uuid,
  callId: z.string(),
  agentId: z.string(),
  code: DispositionCodeName,
  final: z.boolean(),
  sale: z.boolean(),
  notes: z.string().nullable(),
  callbackAt: IsoDateTime.nullable(),
  callbackId: Uuid.nullable(),
  saleValue: z.number().nullable(),
  currency: z.string().nullable(),
  fields: CustomFields,
  recordedAt: IsoDateTime,
  /**
   * Whether it has taken effect on the contact: false while the call's attempt is still
   * leased (it takes effect when the dialer records the attempt's outcome).
   */
  applied: z.boolean(),
  /** The contact's status after this disposition (as it was when recorded). */
  contactStatus: ContactStatus,
});
export type Disposition = z.infer<typeof Disposition>;

export const ListDispositionsRequest = z.object({
  campaignId: Uuid,
  contactId: Uuid.optional(),
  agentId: ExternalId.optional(),
  limit: PageLimit,
  cursor: Cursor.optional(),
});

export const CallbackState = z.enum(['scheduled', 'done', 'cancelled']);
export type CallbackState = z.infer<typeof CallbackState>;

/**
 * A callback on a contact of the campaign (`contactId`), or on a number (`phone`, e.g. a
 * missed inbound caller for a call-back campaign): the contact is found or created. The
 * contact becomes due at `dueAt` ahead of every non-callback contact.
 */
export const ScheduleCallbackRequest = z
  .object({
    campaignId: Uuid,
    contactId: Uuid.optional(),
    phone: z.string().min(3).max(40).optional(),
    /** Region for a national `phone`; default: the campaign's. */
    region: PhoneRegion.optional(),
    name: z.string().max(200).optional(),
    /** Default: now (first in, first out among callbacks). */
    dueAt: IsoDateTime.optional(),
    /** Null or absent: anyone's callback. */
    ownerAgentId: ExternalId.nullable().optional(),
    notes: z.string().max(10_000).optional(),
    /** Who asked for it (an agent id, `ivr`, a CRM's name). */
    requestedBy: z.string().min(1).max(100).optional(),
    /** The same key again returns the callback created the first time. */
    idempotencyKey: z.string().min(1).max(200).optional(),
  })
  .refine((r) => (r.contactId === undefined) !== (r.phone === undefined), {
    message: 'give exactly one of contactId and phone',
    path: ['contactId'],
  });
export type ScheduleCallbackRequest = z.infer<typeof ScheduleCallbackRequest>;

export const Callback = z.object({
  id: Uuid,
  campaignId: Uuid,
  contactId: Uuid,
  dueAt: IsoDateTime,
  ownerAgentId: z.string().nullable(),
  notes: z.string().nullable(),
  requestedBy: z.string().nullable(),
  state: CallbackState,
  createdAt: IsoDateTime,
  closedAt: IsoDateTime.nullable(),
});
export type Callback = z.infer<typeof Callback>;

export const ListCallbacksRequest = z.object({
  campaignId: Uuid,
  ownerAgentId: ExternalId.optional(),
  state: z.array(CallbackState).min(1).optional(),
  limit: PageLimit,
  cursor: Cursor.optional(),
});

export const CancelCallbackRequest = z.object({ callbackId: Uuid, reason: z.string().max(200).optional() });
