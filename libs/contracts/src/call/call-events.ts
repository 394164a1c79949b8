import { z } from 'zod';
import { defineEvent } from '../envelope';
import { CampaignMode, E164, ExternalId, IsoDateTime, Uuid } from '../campaign/campaign.schemas';
import { ContactOutcome } from '../campaign/contact.schemas';

/**
 * The life of one call attempt, as the dialer sees it on FreeSWITCH. Every event is
 * published on the calls stream at `topology.events.call(callId)` with the call id as
 * aggregate and an aggregate version that grows by one per event of that call:
 *
 *   call.dialed (1) -> call.answered -> call.agentConnected | call.abandoned -> call.ended
 *
 * (an unanswered call goes straight from dialed to ended). `call.ended` is the call
 * record: it repeats every fact a report needs, so a consumer that keeps records only
 * needs that one. The others feed live views (screen-pop, wallboard, pacing).
 *
 * `callId` is the dialer's id of the customer leg (the FreeSWITCH `origination_uuid`);
 * `attemptId` is the campaign-service lease it dials for (see `contact.recordOutcome`).
 */

/** Who ended the call. */
export const HangupBy = z.enum(['customer', 'agent', 'system', 'network']);
export type HangupBy = z.infer<typeof HangupBy>;

/**
 * Answering-machine detection's verdict: `human` (no voicemail beep within the detection
 * window), `machine` (a beep), `unknown` (unsure: the call ended before a verdict);
 * `notRun` when the campaign does not use AMD (or the call was bridged on early media).
 */
export const AmdResult = z.enum(['human', 'machine', 'unknown', 'notRun']);
export type AmdResult = z.infer<typeof AmdResult>;

/** Why an answered customer was not connected to an agent. */
export const AbandonReason = z.enum([
  /** No agent within the campaign's grace (2 s): the identification message played. */
  'noAgentWithinGrace',
  /** The customer hung up while waiting for an agent, within the grace. */
  'customerHungUpWaiting',
  /** AMD took a live person for a machine and the call was dropped (counted by the UK rule). */
  'amdFalsePositive',
]);
export type AbandonReason = z.infer<typeof AbandonReason>;

/**
 * The campaign's AMD false-positive rate (`compliance.amd.falsePositiveRate`, 0..1) the
 * call ran under: the share of machine verdicts that were in fact people. Reports estimate
 * the UK rule's unseen abandons from it (machine verdicts x rate). Absent: AMD did not run,
 * or an event from before the field (no estimate).
 */
const AmdFalsePositiveRate = z.number().min(0).max(1);

/** The campaign's grace (ms) an answered person may wait for an agent: 0-10 s. */
const AbandonGraceMs = z.number().int().min(0).max(10_000);

/**
 * When the intro message (seed 000's optional 5-10 s before the bridge) ended: the
 * abandon grace runs from it (see `abandonVerdict`). Absent: no intro was played to its
 * end (none configured, or the customer hung up during it).
 */
const IntroEndedAt = IsoDateTime;

const CallRef = {
  callId: Uuid,
  campaignId: Uuid,
};

export const callDialedEvent = defineEvent(
  'call.dialed',
  1,
  z.object({
    ...CallRef,
    attemptId: Uuid,
    contactId: Uuid,
    dialerId: ExternalId,
    /** The FreeSWITCH node (its ESL address name) the call was placed on. */
    node: z.string().min(1).max(200),
    mode: CampaignMode,
    phone: E164,
    dialedAt: IsoDateTime,
    /**
     * The campaign's abandon grace this call runs under, in ms (default 2,000): see
     * `abandonVerdict` (libs/contracts/src/reporting/abandon-rule.ts).
     */
    abandonGraceMs: AbandonGraceMs.optional(),
  }),
);

export const callAnsweredEvent = defineEvent(
  'call.answered',
  1,
  z.object({
    ...CallRef,
    answeredAt: IsoDateTime,
    amd: AmdResult,
    /** From the answer to detection's verdict, in ms (absent: AMD did not run or gave none). */
    amdDetectionMs: z.number().int().nonnegative().optional(),
    amdFalsePositiveRate: AmdFalsePositiveRate.optional(),
  }),
);

/**
 * A customer was connected to an agent: the fact behind a screen-pop. The gateway streams
 * it to CRMs and agent desktops.
 */
export const callAgentConnectedEvent = defineEvent(
  'call.agentConnected',
  1,
  z.object({
    callId: z.string().min(1).max(200),
    campaignId: Uuid,
    contactId: Uuid,
    agentId: z.string().min(1).max(100),
    extension: z.string().min(1).max(40),
    /** The customer's number, E.164. */
    phone: E164,
    connectedAt: IsoDateTime,
    /** From the customer's answer to the bridge with the agent (the 2-second rule). */
    answerToAgentMs: z.number().int().nonnegative().optional(),
    introEndedAt: IntroEndedAt.optional(),
    reservationId: z.string().min(1).max(200).optional(),
  }),
);
export type CallAgentConnected = z.infer<typeof callAgentConnectedEvent.payload>;

export const callAbandonedEvent = defineEvent(
  'call.abandoned',
  1,
  z.object({
    ...CallRef,
    answeredAt: IsoDateTime,
    abandonedAt: IsoDateTime,
    reason: AbandonReason,
    /** Whether the campaign's identification message was played to the customer. */
    identificationPlayed: z.boolean(),
    introEndedAt: IntroEndedAt.optional(),
  }),
);

/** The call record: every fact of one attempt, published once when the call is over. */
export const CallRecord = z.object({
  ...CallRef,
  attemptId: Uuid,
  contactId: Uuid,
  dialerId: ExternalId,
  node: z.string().min(1).max(200),
  mode: CampaignMode,
  phone: E164,
  /** The outcome reported to campaign-service for the attempt. */
  outcome: ContactOutcome,
  /** Answered by a live person (the denominator of the abandon rate). */
  liveAnswer: z.boolean(),
  abandoned: z.boolean(),
  abandonReason: AbandonReason.nullable(),
  amd: AmdResult,
  /** From the answer to detection's verdict, in ms (absent: AMD did not run or gave none). */
  amdDetectionMs: z.number().int().nonnegative().optional(),
  /** As on call.answered: the campaign's AMD false-positive rate (absent: AMD did not run). */
  amdFalsePositiveRate: AmdFalsePositiveRate.optional(),
  agentId: z.string().min(1).max(100).nullable(),
  extension: z.string().min(1).max(40).nullable(),
  dialedAt: IsoDateTime,
  answeredAt: IsoDateTime.nullable(),
  connectedAt: IsoDateTime.nullable(),
  endedAt: IsoDateTime,
  /** Dial to answer (or to the end, when never answered). */
  ringSeconds: z.number().nonnegative(),
  /** Answer to agent (time the customer waited); 0 when connected at once or never answered. */
  holdSeconds: z.number().nonnegative(),
  /** Agent connected to the end. */
  talkSeconds: z.number().nonnegative(),
  /** FreeSWITCH's hangup cause name, e.g. NORMAL_CLEARING, USER_BUSY, NO_ANSWER. */
  hangupCause: z.string().min(1).max(100),
  hangupBy: HangupBy,
  /** Where the recording is kept (as the node wrote it), when the call was recorded. */
  recordingPath: z.string().max(1000).nullable(),
  /** When the intro message ended (absent or null: none played to its end). */
  introEndedAt: IntroEndedAt.nullable().optional(),
  /** The campaign's abandon grace the call ran under, in ms (absent: 2,000). */
  abandonGraceMs: AbandonGraceMs.optional(),
});
export type CallRecord = z.infer<typeof CallRecord>;

export const callEndedEvent = defineEvent('call.ended', 1, CallRecord);
