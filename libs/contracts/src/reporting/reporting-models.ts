import { z } from 'zod';
import { CampaignMode, E164, IsoDateTime, Uuid } from '../campaign/campaign.schemas';
import { ContactOutcome } from '../campaign/contact.schemas';
import { AgentState } from '../agent/agent-values';
import { AbandonReason, AmdResult, HangupBy } from '../call/call-events';
import { callInboundRejectedEvent } from '../call/inbound-events';
import { RefusalReason } from '../compliance/compliance.schemas';

/**
 * What reporting-service returns: call records as it keeps them, KPIs, regulator abandon
 * windows. Everything here is derived from the calls, agents and campaigns streams.
 */

/**
 * One call attempt as reporting keeps it: the dialer's call record (`call.ended`) once the
 * call is over, and what the earlier call events said while it is still live (`ended`
 * false). Fields the events have not told yet are null. `regulatorAbandoned` and
 * `regulatorLiveAnswer` are how the abandon rate counts the call (the regulator's
 * definition, see apps/reporting-service/README.md).
 */
export const ReportedCall = z.object({
  callId: z.string(),
  campaignId: Uuid,
  attemptId: Uuid.nullable(),
  contactId: Uuid.nullable(),
  dialerId: z.string().nullable(),
  node: z.string().nullable(),
  mode: CampaignMode.nullable(),
  /** The customer's number (E.164). */
  phone: E164.nullable(),
  agentId: z.string().nullable(),
  /** The agent's extension. */
  extension: z.string().nullable(),
  /** The attempt's outcome; null while the call is live. */
  outcome: ContactOutcome.nullable(),
  ended: z.boolean(),
  liveAnswer: z.boolean(),
  abandoned: z.boolean(),
  abandonReason: AbandonReason.nullable(),
  amd: AmdResult.nullable(),
  regulatorLiveAnswer: z.boolean(),
  regulatorAbandoned: z.boolean(),
  /** Call time: when the dialer placed the call (every KPI buckets a call by it). */
  dialedAt: IsoDateTime.nullable(),
  answeredAt: IsoDateTime.nullable(),
  connectedAt: IsoDateTime.nullable(),
  abandonedAt: IsoDateTime.nullable(),
  endedAt: IsoDateTime.nullable(),
  ringSeconds: z.number().nullable(),
  /** Hold (wait) time: answer to agent, or to the abandon. */
  holdSeconds: z.number().nullable(),
  talkSeconds: z.number().nullable(),
  answerToAgentMs: z.number().int().nullable(),
  hangupCause: z.string().nullable(),
  hangupBy: HangupBy.nullable(),
  /** The recording's location as the node wrote it (the gateway turns it into a link). */
  recordingPath: z.string().nullable(),
  dispositionCode: z.string().nullable(),
  sale: z.boolean().nullable(),
  saleValue: z.number().nullable(),
  currency: z.string().nullable(),
});
export type ReportedCall = z.infer<typeof ReportedCall>;

/**
 * The KPIs of one group (campaign, agent or everything) over one bucket. Ratios are 0
 * when their denominator is 0. Call counts bucket each call by its dial time; agent times
 * are the agents' state intervals clipped to the bucket.
 */
export const Kpis = z.object({
  /** Calls placed (per agent: calls connected to the agent). */
  dials: z.number().int().nonnegative(),
  /** Answered by a person (regulator's denominator, US rule: AMD false positives excluded). */
  liveAnswers: z.number().int().nonnegative(),
  /** Customers connected to an agent. */
  connects: z.number().int().nonnegative(),
  /** Live answers not connected to an agent within 2 s of the answer (US rule). */
  abandons: z.number().int().nonnegative(),
  /** abandons / liveAnswers. */
  abandonRate: z.number().nonnegative(),
  /** People AMD took for machines and hung up on, each one known (the UK rule counts them as abandons). */
  amdFalsePositives: z.number().int().nonnegative(),
  /** Machine verdicts the calls ended on (hung up, or the message left): no agent, not a live answer. */
  machineVerdicts: z.number().int().nonnegative(),
  /**
   * The people estimated among those verdicts (the UK rule's reasoned estimate): each
   * verdict's campaign `compliance.amd.falsePositiveRate`, summed (machineVerdicts x rate).
   */
  amdFalsePositivesEstimated: z.number().nonnegative(),
  /**
   * (abandons + amdFalsePositives + amdFalsePositivesEstimated) /
   * (liveAnswers + amdFalsePositives + amdFalsePositivesEstimated), as the dialer's throttle counts it.
   */
  abandonRateUk: z.number().nonnegative(),
  /** Agent time logged in (every state but logged_out). */
  loggedInSeconds: z.number().nonnegative(),
  /** Agent time on a call (state on_call). */
  talkSeconds: z.number().nonnegative(),
  /** Agent time in wrap-up (state wrap_up). */
  wrapUpSeconds: z.number().nonnegative(),
  /** talkSeconds / loggedInSeconds. */
  occupancy: z.number().nonnegative(),
  talkMinutesPerAgentHour: z.number().nonnegative(),
  /** connects per logged-in agent-hour. */
  contactsPerAgentHour: z.number().nonnegative(),
  /** (talkSeconds + wrapUpSeconds) / connects. */
  averageHandleSeconds: z.number().nonnegative(),
  /** Mean hold (wait) time of the live answers whose call is over: answer to agent, or to the abandon. */
  averageHoldSeconds: z.number().nonnegative(),
  /** Mean talk time of the connected calls that are over (from the call records). */
  averageTalkSeconds: z.number().nonnegative(),
  /** Answer-to-agent latency of the connects, nearest-rank percentiles (0 with no connects). */
  answerToAgentP50Ms: z.number().nonnegative(),
  answerToAgentP99Ms: z.number().nonnegative(),
  /** Calls with a sale disposition. */
  sales: z.number().int().nonnegative(),
  /** sales / connects. */
  conversionRate: z.number().nonnegative(),
  /** Sum of the sales' values (all currencies added up; see saleValueByCurrency). */
  saleValue: z.number().nonnegative(),
  saleValueByCurrency: z.record(z.string(), z.number().nonnegative()),
});
export type Kpis = z.infer<typeof Kpis>;

export const KpiInterval = z.enum(['total', '15m', '1h', '1d']);
export type KpiInterval = z.infer<typeof KpiInterval>;

export const KpiGroupBy = z.enum(['campaign', 'agent', 'none']);
export type KpiGroupBy = z.infer<typeof KpiGroupBy>;

export const KpiRow = z.object({
  /** The campaign (groupBy campaign), else null. */
  campaignId: z.string().nullable(),
  /** The agent (groupBy agent), else null. */
  agentId: z.string().nullable(),
  /** The bucket, clipped to the query's range: [bucketStart, bucketEnd). */
  bucketStart: IsoDateTime,
  bucketEnd: IsoDateTime,
  kpis: Kpis,
});
export type KpiRow = z.infer<typeof KpiRow>;

export const RegulatorRule = z.enum(['US', 'UK']);
export type RegulatorRule = z.infer<typeof RegulatorRule>;

export const AbandonWindow = z.object({
  rule: RegulatorRule,
  /** 30 days (US) or 24 hours (UK). */
  windowSeconds: z.number().int().positive(),
  from: IsoDateTime,
  to: IsoDateTime,
  /** Live answers (UK: with the known AMD false positives). */
  liveAnswers: z.number().int().nonnegative(),
  /** Abandons (UK: with the known AMD false positives). */
  abandons: z.number().int().nonnegative(),
  /** UK: machine verdicts the calls ended on (0 under the US rule). */
  machineVerdicts: z.number().int().nonnegative(),
  /** UK: the AMD false positives estimated among them (machine verdicts x rate; 0 under the US rule). */
  amdFalsePositivesEstimated: z.number().nonnegative(),
  /** (abandons + amdFalsePositivesEstimated) / (liveAnswers + amdFalsePositivesEstimated). */
  rate: z.number().nonnegative(),
  capRate: z.number().nonnegative(),
  withinCap: z.boolean(),
  /** How many more abandons the window takes before it breaks the cap. */
  abandonsLeft: z.number().int(),
});
export type AbandonWindow = z.infer<typeof AbandonWindow>;

/** Seconds per agent state (and campaign, for reserved, on_call and wrap_up). */
export const AgentStateTime = z.object({
  agentId: z.string(),
  campaignId: z.string().nullable(),
  state: AgentState,
  seconds: z.number().nonnegative(),
});
export type AgentStateTime = z.infer<typeof AgentStateTime>;

/**
 * Dials compliance refused (`contact.dialRefused`), counted per campaign, stage (`lease`:
 * when campaign-service leased the contact; `dial`: at the dialer's clear-to-dial check),
 * rule and what became of the contact (finished for good, or rescheduled).
 */
export const DialRefusalCount = z.object({
  campaignId: Uuid,
  stage: z.enum(['lease', 'dial']),
  rule: RefusalReason,
  result: z.enum(['finished', 'rescheduled']),
  refusals: z.number().int().nonnegative(),
});
export type DialRefusalCount = z.infer<typeof DialRefusalCount>;

/** The list that turned an inbound caller away (the event's `list`; `blacklist` today). */
export const InboundRejectionList = callInboundRejectedEvent.payload.shape.list;
export type InboundRejectionList = z.infer<typeof InboundRejectionList>;

/**
 * An inbound call the gate refused (`call.inboundRejected`, issue 8): who called, the
 * number they dialled, the line (FreeSWITCH node) and the dialer replica that decided,
 * which list matched and why, and when. One per refused channel.
 */
export const InboundRejection = z.object({
  /** The event's id: one row per event, kept on replay. */
  eventId: Uuid,
  /** The refused FreeSWITCH channel (Unique-ID). */
  channelUuid: Uuid,
  dialerId: z.string(),
  /** The FreeSWITCH node the call arrived on. */
  node: z.string(),
  /** The caller (E.164, as compliance normalised it). */
  callerNumber: E164,
  /** The number the caller dialled (the carrier's destination number, as received). */
  calledNumber: z.string(),
  list: InboundRejectionList,
  /** The list entry's reason, if one was given. */
  listReason: z.string().nullable(),
  hangupCause: z.string(),
  rejectedAt: IsoDateTime,
});
export type InboundRejection = z.infer<typeof InboundRejection>;
