import { ratio } from './compute-kpis';

/** What the campaign's attempts were, as its call records add up. */
export interface AttemptTotals {
  /** Calls placed. */
  attempts: number;
  /** Dial to answer, or to the end for the unanswered, summed. */
  ringSecondsSum: number;
  /** People who answered, AMD false positives included (a manual agent would have talked to them). */
  peopleAnswered: number;
  /** Answering machines. */
  machines: number;
  /** Mean talk of the campaign's connected calls. */
  meanTalkSeconds: number;
  /** Mean wrap-up per connect. */
  meanWrapUpSeconds: number;
}

export interface ManualAssumptions {
  dialOverheadSeconds: number;
  machineListenSeconds: number;
}

export interface ManualEstimate {
  agentSeconds: number;
  talkSeconds: number;
  contacts: number;
  talkMinutesPerAgentHour: number;
  contactsPerAgentHour: number;
}

/**
 * What one agent dialing the same attempts by hand would have achieved: each attempt
 * costs the dialing overhead and its ring time, each machine the time to recognise it,
 * each person a conversation of the campaign's mean talk time and its wrap-up (no
 * abandons: a manual agent is always there when the customer answers).
 */
export function estimateManualDialing(totals: AttemptTotals, assume: ManualAssumptions): ManualEstimate {
  const contacts = totals.peopleAnswered;
  const talkSeconds = contacts * totals.meanTalkSeconds;
  const agentSeconds =
    totals.attempts * assume.dialOverheadSeconds +
    totals.ringSecondsSum +
    totals.machines * assume.machineListenSeconds +
    contacts * (totals.meanTalkSeconds + totals.meanWrapUpSeconds);
  const agentHours = agentSeconds / 3_600;
  return {
    agentSeconds,
    talkSeconds,
    contacts,
    talkMinutesPerAgentHour: ratio(talkSeconds / 60, agentHours),
    contactsPerAgentHour: ratio(contacts, agentHours),
  };
}
