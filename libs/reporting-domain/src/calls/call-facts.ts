import type {
  AbandonReason,
  AmdResult,
  CallRecord,
  CampaignMode,
  ContactOutcome,
  HangupBy,
} from '@autotelesale/contracts';

/**
 * Everything reporting knows about one call attempt, merged from the call events as they
 * arrive (in any order, any number of times). The fields of `CallRecord` are null until
 * an event tells them; `ended` marks that the authoritative record (`call.ended`) is in.
 */
export interface CallFacts {
  callId: string;
  campaignId: string;
  attemptId: string | null;
  contactId: string | null;
  dialerId: string | null;
  node: string | null;
  mode: CampaignMode | null;
  phone: string | null;
  outcome: ContactOutcome | null;
  /** From call.ended; before it, derived from the answer's AMD verdict. */
  liveAnswer: boolean;
  abandoned: boolean;
  abandonReason: AbandonReason | null;
  amd: AmdResult | null;
  /** The campaign's AMD false-positive rate the call ran under (null: not told, AMD off or an old event). */
  amdFalsePositiveRate: number | null;
  agentId: string | null;
  extension: string | null;
  dialedAt: Date | null;
  answeredAt: Date | null;
  connectedAt: Date | null;
  abandonedAt: Date | null;
  endedAt: Date | null;
  ringSeconds: number | null;
  holdSeconds: number | null;
  talkSeconds: number | null;
  hangupCause: string | null;
  hangupBy: HangupBy | null;
  recordingPath: string | null;
  identificationPlayed: boolean | null;
  /** When the intro message ended (the abandon grace runs from it); null: none, or not told. */
  introEndedAt: Date | null;
  /** The campaign's abandon grace the call ran under (ms); null: not told (2 s is assumed). */
  abandonGraceMs: number | null;
  /** As the dialer measured it (call.agentConnected), or answer to connect when both are known. */
  answerToAgentMs: number | null;
  ended: boolean;
  /** The highest event version of the call applied so far. */
  lastVersion: number;
}

/** What the regulator's abandon accounting derives from the facts (stored beside them). */
export interface CallClassification {
  /** A person answered (US rule: AMD false positives are not counted at all). */
  countedLive: boolean;
  /** That person was not connected to an agent within the grace (`abandonVerdict`, US rule). */
  countedAbandon: boolean;
  /** AMD hung up on a person: the UK rule adds it to both live answers and abandons. */
  amdFalsePositive: boolean;
  /**
   * AMD said machine and the call ended on it with nobody connected (hung up, or the
   * message left): a verdict that was a person in the campaign's false-positive share.
   */
  machineVerdict: boolean;
  /**
   * The UK rule's estimate of this call being a person dropped as a machine: its
   * `amdFalsePositiveRate` for a machine verdict, else 0. Summed over a window it is
   * machine verdicts x rate (libs/compliance-domain `abandonRate`).
   */
  amdFalsePositiveEstimate: number;
  connected: boolean;
}

export function emptyCallFacts(callId: string, campaignId: string): CallFacts {
  return {
    callId,
    campaignId,
    attemptId: null,
    contactId: null,
    dialerId: null,
    node: null,
    mode: null,
    phone: null,
    outcome: null,
    liveAnswer: false,
    abandoned: false,
    abandonReason: null,
    amd: null,
    amdFalsePositiveRate: null,
    agentId: null,
    extension: null,
    dialedAt: null,
    answeredAt: null,
    connectedAt: null,
    abandonedAt: null,
    endedAt: null,
    ringSeconds: null,
    holdSeconds: null,
    talkSeconds: null,
    hangupCause: null,
    hangupBy: null,
    recordingPath: null,
    identificationPlayed: null,
    introEndedAt: null,
    abandonGraceMs: null,
    answerToAgentMs: null,
    ended: false,
    lastVersion: 0,
  };
}

/** The record fields of call.ended, as facts. */
export function factsOfRecord(
  record: CallRecord,
): Omit<
  CallFacts,
  | 'abandonedAt'
  | 'amdFalsePositiveRate'
  | 'identificationPlayed'
  | 'introEndedAt'
  | 'abandonGraceMs'
  | 'answerToAgentMs'
  | 'ended'
  | 'lastVersion'
> {
  const date = (iso: string | null) => (iso === null ? null : new Date(iso));
  return {
    callId: record.callId,
    campaignId: record.campaignId,
    attemptId: record.attemptId,
    contactId: record.contactId,
    dialerId: record.dialerId,
    node: record.node,
    mode: record.mode,
    phone: record.phone,
    outcome: record.outcome,
    liveAnswer: record.liveAnswer,
    abandoned: record.abandoned,
    abandonReason: record.abandonReason,
    amd: record.amd,
    agentId: record.agentId,
    extension: record.extension,
    dialedAt: date(record.dialedAt),
    answeredAt: date(record.answeredAt),
    connectedAt: date(record.connectedAt),
    endedAt: date(record.endedAt),
    ringSeconds: record.ringSeconds,
    holdSeconds: record.holdSeconds,
    talkSeconds: record.talkSeconds,
    hangupCause: record.hangupCause,
    hangupBy: record.hangupBy,
    recordingPath: record.recordingPath,
  };
}
