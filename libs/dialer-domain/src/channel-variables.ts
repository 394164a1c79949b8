/**
 * Our channel variables on every leg we originate. The ESL filter on `ats_dialer_id`
 * makes each replica see only its own calls; a replica taking a campaign over finds the
 * calls of that campaign on the nodes by `ats_campaign_id` and resumes them by
 * `ats_attempt_id` (reporting the outcome of the attempt the first replica leased).
 */
export const CHANNEL_VARS = {
  dialerId: 'ats_dialer_id',
  callId: 'ats_call_id',
  campaignId: 'ats_campaign_id',
  attemptId: 'ats_attempt_id',
  contactId: 'ats_contact_id',
  /** customer | agent */
  role: 'ats_role',
  agentId: 'ats_agent_id',
} as const;

export type LegRole = 'customer' | 'agent';
