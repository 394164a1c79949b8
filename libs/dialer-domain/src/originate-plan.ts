import { effectiveRingTimeout } from '@autotelesale/compliance-domain';
import { CHANNEL_VARS, type AmdMark } from './channel-variables';
import { DialerError } from './dialer-error';

/** What to originate, transport-free (libs/esl's OriginateSpec has the same fields). */
export interface OriginatePlan {
  uuid: string;
  endpoint: string;
  application: string;
  timeoutSec?: number;
  ignoreEarlyMedia: boolean;
  tracking: Record<string, string>;
  variables: Record<string, string | number | boolean>;
}

export interface CustomerLegInput {
  callId: string;
  dialerId: string;
  campaignId: string;
  attemptId: string;
  contactId: string;
  /** E.164 with its +. */
  phone: string;
  gateway: string;
  ringTimeoutSec: number;
  callerId?: { number: string; name?: string } | null;
  /**
   * Manual and preview: originate returns on early media (183), so the agent can be
   * bridged to the ringback; the call is then taken as answered only on CHANNEL_ANSWER.
   */
  earlyMedia?: boolean;
  /**
   * Answering-machine detection: mod_avmd's `avmd_start` runs on the answer
   * (`execute_on_answer`), with no ESL round trip, and reports a beep as CUSTOM `avmd::beep`.
   * The leg carries `ats_amd=detecting` from the start (an answered leg with it is in
   * detection), again with no round trip.
   */
  detectMachine?: boolean;
  /** Agent-first modes: the reservation of the agent waiting for this customer (`ats_reservation_id`). */
  reservationId?: string;
}

const GATEWAY = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The customer leg: dialled through the campaign's gateway and parked on answer (the
 * dialer then plays the intro or hold music and bridges it). Early media is ignored, or
 * a 183 would count as a live answer.
 */
export function customerLegPlan(input: CustomerLegInput): OriginatePlan {
  if (!GATEWAY.test(input.gateway))
    throw new DialerError('DIALER_INVALID_ARGUMENT', 'bad gateway name', { gateway: input.gateway });
  const digits = input.phone.replace(/^\+/, '');
  if (!/^\d{3,20}$/.test(digits))
    throw new DialerError('DIALER_INVALID_ARGUMENT', 'the phone number must be E.164 digits');
  const variables: Record<string, string | number | boolean> = {};
  if (input.callerId) {
    variables['origination_caller_id_number'] = input.callerId.number;
    if (input.callerId.name) variables['origination_caller_id_name'] = input.callerId.name;
  }
  if (input.detectMachine) variables['execute_on_answer'] = 'avmd_start';
  return {
    uuid: input.callId,
    endpoint: `sofia/gateway/${input.gateway}/${digits}`,
    application: '&park()',
    // Never below the regulators' 15 s minimum ring time, whatever the caller asks.
    timeoutSec: effectiveRingTimeout(input.ringTimeoutSec),
    ignoreEarlyMedia: !input.earlyMedia,
    tracking: {
      [CHANNEL_VARS.dialerId]: input.dialerId,
      [CHANNEL_VARS.callId]: input.callId,
      [CHANNEL_VARS.campaignId]: input.campaignId,
      [CHANNEL_VARS.attemptId]: input.attemptId,
      [CHANNEL_VARS.contactId]: input.contactId,
      [CHANNEL_VARS.role]: 'customer',
      ...(input.detectMachine ? { [CHANNEL_VARS.amd]: 'detecting' satisfies AmdMark } : {}),
      ...(input.reservationId ? { [CHANNEL_VARS.reservationId]: input.reservationId } : {}),
    },
    variables,
  };
}

export interface AgentLegInput {
  legUuid: string;
  dialerId: string;
  agentId: string;
  extension: string;
}

/**
 * The agent's nailed-up leg: the softphone is called once (auto-answer), then parks.
 * A customer is connected with `uuid_bridge customer agentLeg`: one api command, no
 * ringing, so the 2-second rule is met by milliseconds. `park_after_bridge` puts the
 * agent back in park when the customer hangs up, so the leg stays up for the next call.
 */
export function agentLegPlan(input: AgentLegInput): OriginatePlan {
  if (!/^[\w.+-]{1,40}$/.test(input.extension))
    throw new DialerError('DIALER_INVALID_ARGUMENT', 'bad extension', { extension: input.extension });
  return {
    uuid: input.legUuid,
    endpoint: `user/${input.extension}`,
    application: '&park()',
    timeoutSec: 30,
    ignoreEarlyMedia: true,
    tracking: {
      [CHANNEL_VARS.dialerId]: input.dialerId,
      [CHANNEL_VARS.role]: 'agent',
      [CHANNEL_VARS.agentId]: input.agentId,
    },
    variables: { park_after_bridge: true, hangup_after_bridge: false },
  };
}
