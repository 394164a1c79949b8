import { z } from 'zod';
import { defineEvent } from '../envelope';
import { E164, ExternalId, IsoDateTime, PreviewTimeoutAction, Uuid } from '../campaign/campaign.schemas';
import { CustomFields } from '../campaign/contact.schemas';

/**
 * Preview mode, on the calls stream at `topology.events.call(previewId)` (its own
 * aggregate, versions 1 and 2): the dialer reserved an agent and leased a contact for
 * them, and shows it (the screen-pop) for `previewSeconds`; then it is decided once.
 * A `dial` decision is followed by the call's own events (`call.dialed` with `callId`).
 */
export const callPreviewOfferedEvent = defineEvent(
  'call.previewOffered',
  1,
  z.object({
    previewId: Uuid,
    campaignId: Uuid,
    dialerId: ExternalId,
    agentId: ExternalId,
    extension: z.string().min(1).max(40),
    contactId: Uuid,
    attemptId: Uuid,
    attemptNumber: z.number().int().positive(),
    phone: E164,
    name: z.string().nullable(),
    fields: CustomFields,
    previewSeconds: z.number().int().nonnegative(),
    offeredAt: IsoDateTime,
    expiresAt: IsoDateTime,
    /** What happens when the agent decides nothing in time. */
    onTimeout: PreviewTimeoutAction,
  }),
);
export type CallPreviewOffered = z.infer<typeof callPreviewOfferedEvent.payload>;

export const callPreviewDecidedEvent = defineEvent(
  'call.previewDecided',
  1,
  z.object({
    previewId: Uuid,
    campaignId: Uuid,
    agentId: ExternalId,
    contactId: Uuid,
    attemptId: Uuid,
    decision: z.enum(['dial', 'skip']),
    /** `system`: the dialer gave the contact back itself (draining, the agent's phone gone). */
    decidedBy: z.enum(['agent', 'timeout', 'system']),
    /** The call placed for a `dial` decision. */
    callId: Uuid.nullable(),
    decidedAt: IsoDateTime,
  }),
);
export type CallPreviewDecided = z.infer<typeof callPreviewDecidedEvent.payload>;
