import { z } from 'zod';
import { defineEvent } from '../envelope';
import { Campaign, CampaignAction, CampaignStatus, ExternalId, IsoDateTime, Uuid } from './campaign.schemas';
import { ImportStatus } from './contact-list.schemas';
import { ContactOutcome, ContactStatus, FinalReason } from './contact.schemas';
import { Callback, Disposition } from './disposition.schemas';
import { RefusalReason } from '../compliance/compliance.schemas';

/**
 * Facts campaign-service publishes on the campaigns stream, subject
 * `topology.events.campaign(campaignId)` (all of a campaign's facts on one subject, in
 * order). They are written to an outbox in the same transaction as the change and
 * relayed to JetStream with the envelope id as `Nats-Msg-Id`: none is lost, a re-publish
 * is dropped by the server, and consumers still de-duplicate by id.
 *
 * `aggregateId`/`aggregateVersion`: the campaign and its version for campaign.*; the
 * contact and its version for contact.*, disposition.* and callback.* (contact versions
 * also move on leases, which publish nothing, so gaps there are normal); the import and
 * the number of chunks applied for import.*.
 */
export const campaignEvents = {
  campaignCreated: defineEvent('campaign.created', 1, z.object({ campaign: Campaign })),
  campaignUpdated: defineEvent(
    'campaign.updated',
    1,
    z.object({ campaign: Campaign, changedFields: z.array(z.string()) }),
  ),
  campaignStatusChanged: defineEvent(
    'campaign.statusChanged',
    1,
    z.object({
      campaignId: Uuid,
      from: CampaignStatus,
      to: CampaignStatus,
      action: CampaignAction,
      reason: z.string().nullable(),
    }),
  ),
  importProgress: defineEvent('import.progress', 1, z.object({ import: ImportStatus })),
  importCompleted: defineEvent('import.completed', 1, z.object({ import: ImportStatus })),
  contactOutcomeRecorded: defineEvent(
    'contact.outcomeRecorded',
    1,
    z.object({
      campaignId: Uuid,
      contactId: Uuid,
      attemptId: Uuid,
      dialerId: ExternalId,
      callId: z.string().nullable(),
      outcome: ContactOutcome,
      attemptNumber: z.number().int().positive(),
      hangupCause: z.string().nullable(),
      occurredAt: IsoDateTime,
      applied: z.boolean(),
      late: z.boolean(),
      contactStatus: ContactStatus,
      nextDueAt: IsoDateTime.nullable(),
      finalReason: FinalReason.nullable(),
    }),
  ),
  contactLeaseExpired: defineEvent(
    'contact.leaseExpired',
    1,
    z.object({
      campaignId: Uuid,
      contactId: Uuid,
      attemptId: Uuid,
      dialerId: z.string(),
      leaseExpiredAt: IsoDateTime,
    }),
  ),
  /**
   * A leased contact refused by compliance (at lease time or at the dialer's clear-to-dial
   * check) and so finished or put back without a call: one per refusal. No phone number.
   */
  contactDialRefused: defineEvent(
    'contact.dialRefused',
    1,
    z.object({
      campaignId: Uuid,
      contactId: Uuid,
      attemptId: Uuid,
      stage: z.enum(['lease', 'dial']),
      /** The rule that refused (the first failing one). */
      rule: RefusalReason,
      result: z.enum(['finished', 'rescheduled']),
      finalReason: FinalReason.nullable(),
      nextDueAt: IsoDateTime.nullable(),
      /** Which of the contact's numbers was refused: 0 the main one, 1.. its alternates. */
      phoneIndex: z.number().int().nonnegative(),
      decidedAt: IsoDateTime,
    }),
  ),
  dispositionRecorded: defineEvent('disposition.recorded', 1, z.object({ disposition: Disposition })),
  callbackScheduled: defineEvent('callback.scheduled', 1, z.object({ callback: Callback })),
  callbackClosed: defineEvent('callback.closed', 1, z.object({ callback: Callback })),
} as const;

export type CampaignEvents = typeof campaignEvents;
