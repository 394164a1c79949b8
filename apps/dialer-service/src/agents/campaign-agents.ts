import { listAgentStatusesRpc, type AgentStatus, type Campaign } from '@autotelesale/contracts';
import type { NatsBus } from '@autotelesale/messaging';
import { AgentStatusView } from './agent-status-view';

/** Which agents a campaign's reads ask for: by id and/or group (agent-service ANDs them). */
interface AgentFilter {
  agentIds: string[] | undefined;
  groupIds: string[] | undefined;
  /** The ids as a set, to keep a delta's statuses to the campaign's own agents. */
  members: ReadonlySet<string> | undefined;
  key: string;
}

/**
 * A campaign's agents' live states for a runner's tick: a delta since the last read
 * (agent-service's `changedSince`), a full read every few seconds (`AgentStatusView`),
 * instead of every agent on every tick. One read at a time (a runner's ticks do not overlap).
 */
export class CampaignAgents {
  readonly view = new AgentStatusView();
  private filterMemo:
    (AgentFilter & { agents: Campaign['agents']; groupId: string | null | undefined }) | undefined;

  constructor(private readonly bus: NatsBus) {}

  /** Every agent of the campaign (`all`), and those whose state is news since the last read (`changed`). */
  async read(campaign: Campaign): Promise<{ all: readonly AgentStatus[]; changed: AgentStatus[] }> {
    const filter = this.filterOf(campaign);
    const read = this.view.nextRead(filter.key, Date.now());
    // A delta names no agents: it is what changed since the cursor (a few dozen agents),
    // kept here only for the campaign's own, instead of 1,200 ids (47 KB) sent and
    // validated on every tick.
    const reply = await this.bus.request(listAgentStatusesRpc, {
      agentIds: read.full ? filter.agentIds : undefined,
      groupIds: filter.groupIds,
      changedSince: read.changedSince,
    });
    const changed = this.view.apply(read, reply, Date.now(), filter.members);
    return { all: this.view.all(), changed };
  }

  /** The campaign's agents as a read filter, rebuilt only when the campaign's assignment changes. */
  private filterOf(c: Campaign): AgentFilter {
    const memo = this.filterMemo;
    if (memo && memo.agents === c.agents && memo.groupId === c.agentGroupId) return memo;
    const agentIds = c.agents.length > 0 ? c.agents.map((a) => a.agentId) : undefined;
    const groupIds = c.agentGroupId ? [c.agentGroupId] : undefined;
    this.filterMemo = {
      agents: c.agents,
      groupId: c.agentGroupId,
      agentIds,
      groupIds,
      members: agentIds ? new Set(agentIds) : undefined,
      key: JSON.stringify([agentIds ?? null, groupIds ?? null]),
    };
    return this.filterMemo;
  }
}
