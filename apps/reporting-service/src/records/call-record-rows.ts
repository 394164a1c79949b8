import type { ReportedCall } from '@autotelesale/contracts';
import { classifyCall, type CallFacts } from '@autotelesale/reporting-domain';

/** A call_record row as pg returns it. */
export interface CallRecordRow {
  call_id: string;
  campaign_id: string;
  attempt_id: string | null;
  contact_id: string | null;
  dialer_id: string | null;
  node: string | null;
  mode: string | null;
  phone: string | null;
  outcome: string | null;
  live_answer: boolean;
  abandoned: boolean;
  abandon_reason: string | null;
  amd: string | null;
  amd_false_positive_rate: number | null;
  agent_id: string | null;
  extension: string | null;
  dialed_at: Date | null;
  answered_at: Date | null;
  connected_at: Date | null;
  abandoned_at: Date | null;
  ended_at: Date | null;
  ring_seconds: number | null;
  hold_seconds: number | null;
  talk_seconds: number | null;
  hangup_cause: string | null;
  hangup_by: string | null;
  recording_path: string | null;
  identification_played: boolean | null;
  intro_ended_at: Date | null;
  abandon_grace_ms: number | null;
  answer_to_agent_ms: number | null;
  ended: boolean;
  last_version: number;
  counted_live: boolean;
  counted_abandon: boolean;
  amd_false_positive: boolean;
  machine_verdict: boolean;
  amd_false_positive_estimate: number;
}

/** The disposition columns joined to a call in lists and exports. */
export interface CallDispositionColumns {
  disposition_code: string | null;
  sale: boolean | null;
  sale_value: number | null;
  currency: string | null;
}

export function factsFromRow(row: CallRecordRow): CallFacts {
  return {
    callId: row.call_id,
    campaignId: row.campaign_id,
    attemptId: row.attempt_id,
    contactId: row.contact_id,
    dialerId: row.dialer_id,
    node: row.node,
    mode: row.mode as CallFacts['mode'],
    phone: row.phone,
    outcome: row.outcome as CallFacts['outcome'],
    liveAnswer: row.live_answer,
    abandoned: row.abandoned,
    abandonReason: row.abandon_reason as CallFacts['abandonReason'],
    amd: row.amd as CallFacts['amd'],
    amdFalsePositiveRate: row.amd_false_positive_rate,
    agentId: row.agent_id,
    extension: row.extension,
    dialedAt: row.dialed_at,
    answeredAt: row.answered_at,
    connectedAt: row.connected_at,
    abandonedAt: row.abandoned_at,
    endedAt: row.ended_at,
    ringSeconds: row.ring_seconds,
    holdSeconds: row.hold_seconds,
    talkSeconds: row.talk_seconds,
    hangupCause: row.hangup_cause,
    hangupBy: row.hangup_by as CallFacts['hangupBy'],
    recordingPath: row.recording_path,
    identificationPlayed: row.identification_played,
    introEndedAt: row.intro_ended_at,
    abandonGraceMs: row.abandon_grace_ms,
    answerToAgentMs: row.answer_to_agent_ms,
    ended: row.ended,
    lastVersion: row.last_version,
  };
}

/** The columns an UPDATE writes for merged facts, in the order of `CALL_RECORD_COLUMNS`. */
export const CALL_RECORD_COLUMNS = [
  'attempt_id',
  'contact_id',
  'dialer_id',
  'node',
  'mode',
  'phone',
  'outcome',
  'live_answer',
  'abandoned',
  'abandon_reason',
  'amd',
  'amd_false_positive_rate',
  'agent_id',
  'extension',
  'dialed_at',
  'answered_at',
  'connected_at',
  'abandoned_at',
  'ended_at',
  'ring_seconds',
  'hold_seconds',
  'talk_seconds',
  'hangup_cause',
  'hangup_by',
  'recording_path',
  'identification_played',
  'intro_ended_at',
  'abandon_grace_ms',
  'answer_to_agent_ms',
  'ended',
  'last_version',
  'counted_live',
  'counted_abandon',
  'amd_false_positive',
  'machine_verdict',
  'amd_false_positive_estimate',
] as const;

export function rowValuesOf(facts: CallFacts): unknown[] {
  const c = classifyCall(facts);
  return [
    facts.attemptId,
    facts.contactId,
    facts.dialerId,
    facts.node,
    facts.mode,
    facts.phone,
    facts.outcome,
    facts.liveAnswer,
    facts.abandoned,
    facts.abandonReason,
    facts.amd,
    facts.amdFalsePositiveRate,
    facts.agentId,
    facts.extension,
    facts.dialedAt,
    facts.answeredAt,
    facts.connectedAt,
    facts.abandonedAt,
    facts.endedAt,
    facts.ringSeconds,
    facts.holdSeconds,
    facts.talkSeconds,
    facts.hangupCause,
    facts.hangupBy,
    facts.recordingPath,
    facts.identificationPlayed,
    facts.introEndedAt,
    facts.abandonGraceMs,
    facts.answerToAgentMs === null ? null : Math.round(facts.answerToAgentMs),
    facts.ended,
    facts.lastVersion,
    c.countedLive,
    c.countedAbandon,
    c.amdFalsePositive,
    c.machineVerdict,
    c.amdFalsePositiveEstimate,
  ];
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function reportedCallOf(row: CallRecordRow & CallDispositionColumns): ReportedCall {
  return {
    callId: row.call_id,
    campaignId: row.campaign_id,
    attemptId: row.attempt_id,
    contactId: row.contact_id,
    dialerId: row.dialer_id,
    node: row.node,
    mode: row.mode as ReportedCall['mode'],
    phone: row.phone,
    agentId: row.agent_id,
    extension: row.extension,
    outcome: row.outcome as ReportedCall['outcome'],
    ended: row.ended,
    liveAnswer: row.live_answer,
    abandoned: row.abandoned,
    abandonReason: row.abandon_reason as ReportedCall['abandonReason'],
    amd: row.amd as ReportedCall['amd'],
    regulatorLiveAnswer: row.counted_live,
    regulatorAbandoned: row.counted_abandon,
    dialedAt: iso(row.dialed_at),
    answeredAt: iso(row.answered_at),
    connectedAt: iso(row.connected_at),
    abandonedAt: iso(row.abandoned_at),
    endedAt: iso(row.ended_at),
    ringSeconds: row.ring_seconds,
    holdSeconds: row.hold_seconds,
    talkSeconds: row.talk_seconds,
    answerToAgentMs: row.answer_to_agent_ms,
    hangupCause: row.hangup_cause,
    hangupBy: row.hangup_by as ReportedCall['hangupBy'],
    recordingPath: row.recording_path,
    dispositionCode: row.disposition_code,
    sale: row.sale,
    saleValue: row.sale_value,
    currency: row.currency,
  };
}
