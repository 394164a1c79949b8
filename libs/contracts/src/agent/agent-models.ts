import { z } from 'zod';
import {
  AgentState,
  CallRef,
  CampaignRef,
  SipExtension,
  IsoTime,
  NotReadyReasonCode,
  ReservationStatus,
  AgentSkill,
} from './agent-values';

/**
 * An agent's live state. `version` is the agent's version: it grows by exactly one with
 * every change of the agent (profile or state), and is the `aggregateVersion` of the
 * event that announced the change.
 */
export const AgentStatus = z.object({
  agentId: z.uuid(),
  version: z.number().int().positive(),
  state: AgentState,
  stateSince: IsoTime,
  /** The extension of the current session (null when logged out). */
  sessionExtension: SipExtension.nullable(),
  /** Set in `not_ready`. */
  reasonCode: NotReadyReasonCode.nullable(),
  /** Set in `reserved`, `on_call`, `wrap_up`. */
  campaignId: CampaignRef.nullable(),
  reservationId: z.uuid().nullable(),
  callId: CallRef.nullable(),
  /** Set in `reserved`: when the reservation expires unless confirmed. */
  reservationExpiresAt: IsoTime.nullable(),
  /** Set in `wrap_up`: when the agent becomes ready again unless it completes earlier. */
  wrapUpEndsAt: IsoTime.nullable(),
});
export type AgentStatus = z.infer<typeof AgentStatus>;

export const AgentProfile = z.object({
  agentId: z.uuid(),
  name: z.string().min(1).max(200),
  /** The agent's own SIP extension; unique among agents. */
  extension: SipExtension,
  skills: z.array(AgentSkill).max(50),
  groupIds: z.array(z.uuid()),
});
export type AgentProfile = z.infer<typeof AgentProfile>;

export const Agent = AgentProfile.extend({
  createdAt: IsoTime,
  updatedAt: IsoTime,
  status: AgentStatus,
});
export type Agent = z.infer<typeof Agent>;

export const AgentGroup = z.object({
  groupId: z.uuid(),
  name: z.string().min(1).max(200),
  agentIds: z.array(z.uuid()),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type AgentGroup = z.infer<typeof AgentGroup>;

export const Reservation = z.object({
  reservationId: z.uuid(),
  agentId: z.uuid(),
  /** Where the dialer bridges the customer: the agent's session extension. */
  extension: SipExtension,
  campaignId: CampaignRef,
  callId: CallRef.nullable(),
  status: ReservationStatus,
  createdAt: IsoTime,
  expiresAt: IsoTime,
  confirmedAt: IsoTime.nullable(),
  /** When it was released, expired or its call ended. */
  closedAt: IsoTime.nullable(),
});
export type Reservation = z.infer<typeof Reservation>;

/** One stretch of time an agent spent in one state (open while `endedAt` is null). */
export const AgentStateInterval = z.object({
  agentId: z.uuid(),
  state: AgentState,
  campaignId: CampaignRef.nullable(),
  reasonCode: NotReadyReasonCode.nullable(),
  startedAt: IsoTime,
  endedAt: IsoTime.nullable(),
});
export type AgentStateInterval = z.infer<typeof AgentStateInterval>;

/** Seconds in one state (and campaign, for campaign states) within a queried range. */
export const AgentStateTotal = z.object({
  state: AgentState,
  campaignId: CampaignRef.nullable(),
  seconds: z.number().nonnegative(),
});
export type AgentStateTotal = z.infer<typeof AgentStateTotal>;
