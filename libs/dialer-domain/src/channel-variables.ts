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
  /**
   * Agent-first calls (progressive): the reservation of the agent the customer leg was
   * dialed for, so a replica taking the call over carries that agent (or gives it back).
   */
  reservationId: 'ats_reservation_id',
  /**
   * Where answering-machine detection stands on a customer leg (`AmdMark`), so that a
   * replica taking the campaign over resumes the call where it was, not as a person
   * waiting: set on the originate (`detecting`, detection starts on the answer), at a
   * verdict that sends the call on (`human`, or `machine` passed to an agent), and by the
   * machine message's own dialplan (`message`).
   */
  amd: 'ats_amd',
  /**
   * The file a recording of the customer leg is written to, set once the switch accepted
   * `uuid_record ... start` (`+OK`), so that a replica taking the call over reports it in
   * `call.ended` (read back with `parseRecordingMark`).
   */
  recordingPath: 'ats_recording_path',
} as const;

export const AMD_MARKS = ['detecting', 'human', 'machine', 'message'] as const;
export type AmdMark = (typeof AMD_MARKS)[number];

/** The mark read from a channel, or undefined for anything else (unset, `_undef_`, garbage). */
export function parseAmdMark(value: string | undefined): AmdMark | undefined {
  return (AMD_MARKS as readonly string[]).includes(value ?? '') ? (value as AmdMark) : undefined;
}

export type LegRole = 'customer' | 'agent';
