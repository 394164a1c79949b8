import { z } from 'zod';
import { defineEvent } from '../envelope';
import { AgentProfile } from './agent-models';
import {
  AgentState,
  AgentStateCause,
  CallRef,
  CampaignRef,
  SipExtension,
  IsoTime,
  NotReadyReasonCode,
} from './agent-values';

/**
 * Events of the agents stream, published on `topology.events.agent(agentId)` with the
 * agent's version as `aggregateVersion`: one event per change, versions strictly
 * increasing with no gaps, in order per agent. A consumer keeps the last version it
 * applied per agent and ignores anything at or below it (a replay).
 */

export const agentCreatedEvent = defineEvent('agent.created', 1, AgentProfile);
export const agentUpdatedEvent = defineEvent('agent.updated', 1, AgentProfile);
export const agentDeletedEvent = defineEvent('agent.deleted', 1, z.object({ agentId: z.uuid() }));

export const AgentStateChangedPayload = z.object({
  agentId: z.uuid(),
  from: AgentState,
  to: AgentState,
  cause: AgentStateCause,
  /** When the new state began (database time). */
  at: IsoTime,
  sessionExtension: SipExtension.nullable(),
  reasonCode: NotReadyReasonCode.nullable(),
  campaignId: CampaignRef.nullable(),
  reservationId: z.uuid().nullable(),
  callId: CallRef.nullable(),
  reservationExpiresAt: IsoTime.nullable(),
  wrapUpEndsAt: IsoTime.nullable(),
});
export type AgentStateChangedPayload = z.infer<typeof AgentStateChangedPayload>;
export const agentStateChangedEvent = defineEvent('agent.stateChanged', 1, AgentStateChangedPayload);

export const AGENT_EVENTS = [
  agentCreatedEvent,
  agentUpdatedEvent,
  agentDeletedEvent,
  agentStateChangedEvent,
] as const;
