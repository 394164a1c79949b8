import type { AgentState, KpiGroupBy } from '@autotelesale/contracts';
import type { AgentTime } from './compute-kpis';

/** Seconds one agent spent in one state (for one campaign, or none) within one bucket. */
export interface AgentStateSeconds {
  bucketStartMs: number;
  agentId: string;
  campaignId: string | null;
  state: AgentState;
  seconds: number;
}

/** `${group}|${bucketStartMs}`: the key of a KPI row. */
export const rowKey = (group: string, bucketStartMs: number) => `${group}|${bucketStartMs}`;

/** The group key of `none` (everything together). */
export const ALL_GROUP = '*';

/** States that belong to a campaign (the call's). */
const CAMPAIGN_STATES: ReadonlySet<AgentState> = new Set(['reserved', 'on_call', 'wrap_up']);

/**
 * Adds agents' state time up per group and bucket.
 *
 * - `agent`: the agent's own time; talk and wrap-up only of `campaigns` when given.
 * - `campaign`: talk and wrap-up of the campaign's calls; logged-in time of the
 *   campaign's agents, that is every agent who held a state for the campaign
 *   (reserved, on a call, wrapping up) at any time in the queried range, counted whole
 *   (an agent working two campaigns counts in both; see the service's README).
 * - `none`: every agent.
 */
export function attributeAgentTime(
  rows: readonly AgentStateSeconds[],
  groupBy: KpiGroupBy,
  campaigns?: ReadonlySet<string>,
): Map<string, AgentTime> {
  const result = new Map<string, AgentTime>();
  const add = (group: string, row: AgentStateSeconds, field: keyof AgentTime) => {
    const key = rowKey(group, row.bucketStartMs);
    const time = result.get(key) ?? { loggedInSeconds: 0, talkSeconds: 0, wrapUpSeconds: 0 };
    time[field] += row.seconds;
    result.set(key, time);
  };
  const workField = (state: AgentState): keyof AgentTime | null =>
    state === 'on_call' ? 'talkSeconds' : state === 'wrap_up' ? 'wrapUpSeconds' : null;
  const inScope = (campaignId: string | null) =>
    !campaigns || (campaignId !== null && campaigns.has(campaignId));

  if (groupBy === 'campaign') {
    const agentsOf = new Map<string, Set<string>>();
    for (const row of rows) {
      if (row.campaignId === null || !CAMPAIGN_STATES.has(row.state) || !inScope(row.campaignId)) continue;
      const agents = agentsOf.get(row.campaignId) ?? new Set<string>();
      agents.add(row.agentId);
      agentsOf.set(row.campaignId, agents);
    }
    const campaignsOf = new Map<string, string[]>();
    for (const [campaignId, agents] of agentsOf) {
      for (const agentId of agents)
        campaignsOf.set(agentId, [...(campaignsOf.get(agentId) ?? []), campaignId]);
    }
    for (const row of rows) {
      if (row.state === 'logged_out') continue;
      for (const campaignId of campaignsOf.get(row.agentId) ?? []) {
        add(campaignId, row, 'loggedInSeconds');
        const field = workField(row.state);
        if (field && row.campaignId === campaignId) add(campaignId, row, field);
      }
    }
    return result;
  }

  for (const row of rows) {
    if (row.state === 'logged_out') continue;
    const group = groupBy === 'agent' ? row.agentId : ALL_GROUP;
    add(group, row, 'loggedInSeconds');
    const field = workField(row.state);
    if (field && inScope(row.campaignId)) add(group, row, field);
  }
  return result;
}
