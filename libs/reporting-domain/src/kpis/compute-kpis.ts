import type { Kpis } from '@autotelesale/contracts';
import { regulatorAbandonRate } from './regulator-rate';

/** Call counts and sums of one group and bucket, as the call records add up. */
export interface CallAggregate {
  dials: number;
  liveAnswers: number;
  connects: number;
  abandons: number;
  amdFalsePositives: number;
  /** Machine verdicts the calls ended on (hung up, message left). */
  machineVerdicts: number;
  /** Sum of those verdicts' campaign AMD false-positive rates: the UK rule's estimate. */
  amdFalsePositivesEstimated: number;
  /** Hold seconds summed over `holdCount` ended live answers. */
  holdSecondsSum: number;
  holdCount: number;
  /** Talk seconds summed over `talkCount` ended connected calls. */
  talkSecondsSum: number;
  talkCount: number;
  answerToAgentP50Ms: number;
  answerToAgentP99Ms: number;
}

/** Agent time of one group and bucket (state intervals clipped to the bucket). */
export interface AgentTime {
  loggedInSeconds: number;
  talkSeconds: number;
  wrapUpSeconds: number;
}

export interface SalesAggregate {
  sales: number;
  saleValueByCurrency: Record<string, number>;
}

export const NO_CALLS: CallAggregate = {
  dials: 0,
  liveAnswers: 0,
  connects: 0,
  abandons: 0,
  amdFalsePositives: 0,
  machineVerdicts: 0,
  amdFalsePositivesEstimated: 0,
  holdSecondsSum: 0,
  holdCount: 0,
  talkSecondsSum: 0,
  talkCount: 0,
  answerToAgentP50Ms: 0,
  answerToAgentP99Ms: 0,
};
export const NO_AGENT_TIME: AgentTime = { loggedInSeconds: 0, talkSeconds: 0, wrapUpSeconds: 0 };
export const NO_SALES: SalesAggregate = { sales: 0, saleValueByCurrency: {} };

/** a / b, or 0 when b is 0 (every ratio of the KPIs). */
export function ratio(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}

/** The KPIs of one group and bucket from its three aggregates. Pure arithmetic. */
export function computeKpis(
  calls: CallAggregate = NO_CALLS,
  agents: AgentTime = NO_AGENT_TIME,
  sales: SalesAggregate = NO_SALES,
): Kpis {
  const agentHours = agents.loggedInSeconds / 3_600;
  const saleValue = Object.values(sales.saleValueByCurrency).reduce((sum, v) => sum + v, 0);
  return {
    dials: calls.dials,
    liveAnswers: calls.liveAnswers,
    connects: calls.connects,
    abandons: calls.abandons,
    abandonRate: regulatorAbandonRate('US', calls),
    amdFalsePositives: calls.amdFalsePositives,
    machineVerdicts: calls.machineVerdicts,
    amdFalsePositivesEstimated: calls.amdFalsePositivesEstimated,
    abandonRateUk: regulatorAbandonRate('UK', calls),
    loggedInSeconds: agents.loggedInSeconds,
    talkSeconds: agents.talkSeconds,
    wrapUpSeconds: agents.wrapUpSeconds,
    occupancy: ratio(agents.talkSeconds, agents.loggedInSeconds),
    talkMinutesPerAgentHour: ratio(agents.talkSeconds / 60, agentHours),
    contactsPerAgentHour: ratio(calls.connects, agentHours),
    averageHandleSeconds: ratio(agents.talkSeconds + agents.wrapUpSeconds, calls.connects),
    averageHoldSeconds: ratio(calls.holdSecondsSum, calls.holdCount),
    averageTalkSeconds: ratio(calls.talkSecondsSum, calls.talkCount),
    answerToAgentP50Ms: calls.answerToAgentP50Ms,
    answerToAgentP99Ms: calls.answerToAgentP99Ms,
    sales: sales.sales,
    conversionRate: ratio(sales.sales, calls.connects),
    saleValue,
    saleValueByCurrency: { ...sales.saleValueByCurrency },
  };
}
