import { z } from 'zod';
import { E164, ExternalId, IsoDateTime, Uuid } from '../campaign/campaign.schemas';
import { CustomFields } from '../campaign/contact.schemas';
import { defineRpc } from '../rpc';

/**
 * What an agent asks the dialer on a manual or preview campaign (through the gateway).
 * Every replica receives these requests (`topology.rpc.instanceQueue`); the one that owns
 * the campaign answers, or, when no replica owns it, any one answers that it is not
 * running. Refusals are typed: `CONFLICT` with `details.reason` one of
 * `DialerRefusalReason`, or `NOT_FOUND` for a preview that is not (or no longer) the
 * agent's.
 */
export const DialerRefusalReason = z.enum([
  /** The agent is not logged in and ready on this campaign, or their phone leg is not up yet. */
  'AGENT_NOT_READY',
  /** A dial request on a campaign that is not in manual mode. */
  'CAMPAIGN_NOT_MANUAL',
  /** A preview action on a campaign that is not in preview mode. */
  'CAMPAIGN_NOT_PREVIEW',
  /** The campaign is not running (or no dialer runs it). */
  'CAMPAIGN_NOT_RUNNING',
  /** No contact of the campaign may be dialed now (none due, outside hours, all done). */
  'NO_CONTACT_DIALABLE',
  /** The preview was already decided (accepted, skipped, or its time ran out). */
  'PREVIEW_DECIDED',
  /** The dialer that owns the campaign is draining: it starts no new call. */
  'DIALER_DRAINING',
  /** Dial this contact: another agent or dialer holds it right now. */
  'CONTACT_LEASED',
  /** Dial this contact: it is final (answered, disposed, out of attempts, invalid, do-not-call). */
  'CONTACT_DONE',
  /** Dial this contact: it belongs to another agent (split list, "ask for me" callback). */
  'CONTACT_NOT_YOURS',
  /** Dial this contact: compliance refuses it now (calling hours, DNC, daily cap, invalid number). */
  'CONTACT_NOT_COMPLIANT',
]);
export type DialerRefusalReason = z.infer<typeof DialerRefusalReason>;

/** The contact an agent is about to talk to (screen-pop data). */
export const DialerContactCard = z.object({
  contactId: Uuid,
  attemptId: Uuid,
  phone: E164,
  name: z.string().nullable(),
  fields: CustomFields,
  attemptNumber: z.number().int().positive(),
});
export type DialerContactCard = z.infer<typeof DialerContactCard>;

const AgentAction = z.object({ campaignId: Uuid, agentId: ExternalId }).strict();

/**
 * Manual mode: dial the next contact of the campaign for this ready agent, or, with
 * `contactId`, that contact (the CRM's click-to-call): refused with `NOT_FOUND` when it is
 * not a contact of the campaign, or `CONFLICT` and a `CONTACT_*` reason when it may not be
 * dialed now.
 */
export const ManualDialRequest = AgentAction.extend({ contactId: Uuid.optional() }).strict();
export const ManualDialReply = z.object({
  callId: Uuid,
  campaignId: Uuid,
  agentId: ExternalId,
  contact: DialerContactCard,
  dialedAt: IsoDateTime,
});
export type ManualDialReply = z.infer<typeof ManualDialReply>;

export const PreviewActionRequest = AgentAction.extend({ previewId: Uuid }).strict();
export const PreviewAcceptReply = z.object({ previewId: Uuid, callId: Uuid, dialedAt: IsoDateTime });
export const PreviewSkipReply = z.object({
  previewId: Uuid,
  /** The contact went back to the queue (it will be dialed later, for this or another agent). */
  contactReturned: z.literal(true),
});

export const dialerAgentRpcs = {
  /** Manual: reserve the agent, lease the next contact for them, dial it, bridge on the first media. */
  manualDial: defineRpc('dialer', 'agent.manualDial', ManualDialRequest, ManualDialReply),
  /** Preview: dial the previewed contact now. */
  acceptPreview: defineRpc('dialer', 'agent.acceptPreview', PreviewActionRequest, PreviewAcceptReply),
  /** Preview: do not call this contact now; it goes back to the queue, never lost. */
  skipPreview: defineRpc('dialer', 'agent.skipPreview', PreviewActionRequest, PreviewSkipReply),
} as const;
