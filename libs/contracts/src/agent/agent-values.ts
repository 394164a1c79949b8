import { z } from 'zod';

/**
 * The states an agent can be in. `reserved`, `on_call` and `wrap_up` belong to a
 * campaign (the call's); the others do not.
 */
export const AgentState = z.enum(['logged_out', 'not_ready', 'ready', 'reserved', 'on_call', 'wrap_up']);
export type AgentState = z.infer<typeof AgentState>;

/**
 * What made an agent's state change: one per command of the state machine
 * (`libs/agent-domain`). Carried by every `agent.stateChanged` event.
 */
export const AgentStateCause = z.enum([
  'login',
  'logout',
  'ready',
  'notReady',
  'reserve',
  'confirm',
  'release',
  'reservationExpired',
  'callEnded',
  'wrapUpExtended',
  'wrapUpCompleted',
  'wrapUpElapsed',
]);
export type AgentStateCause = z.infer<typeof AgentStateCause>;

/** A reservation's life: pending until confirmed, released or expired; a confirmed one ends with its call. */
export const ReservationStatus = z.enum(['pending', 'confirmed', 'released', 'expired', 'ended']);
export type ReservationStatus = z.infer<typeof ReservationStatus>;

/** A SIP extension number (the agent's softphone), e.g. `1001`. */
export const SipExtension = z.string().regex(/^\d{2,16}$/, 'an extension is 2 to 16 digits');
/** A not-ready reason code chosen by the supervisor's tooling, e.g. `lunch`, `training`. */
export const NotReadyReasonCode = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'a reason code is lower-case letters, digits and _ (max 40)');
/** A skill tag, e.g. `vietnamese`, `sales-senior`. */
export const AgentSkill = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a skill is lower-case letters, digits, _ and - (max 40)');
/** A campaign id as campaign-service issues it; agent-service never reads campaigns. */
export const CampaignRef = z.string().min(1).max(100);
/** A call id as the dialer issues it. */
export const CallRef = z.string().min(1).max(200);
export const IsoTime = z.iso.datetime({ offset: true });
