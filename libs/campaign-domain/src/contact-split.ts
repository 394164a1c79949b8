export interface AgentShare {
  agentId: string;
  weight: number;
}

/**
 * Deals `count` contacts (in queue order) to agents in proportion to their weights, by
 * smooth weighted round-robin: the shares interleave, so every agent gets some of the
 * best contacts, and each agent's count is within one of its exact share (equal weights:
 * counts differ by at most one). Returns the agent of each contact, in order.
 */
export function dealContacts(count: number, agents: readonly AgentShare[]): string[] {
  if (agents.length === 0) throw new Error('dealContacts needs at least one agent');
  const total = agents.reduce((sum, a) => sum + a.weight, 0);
  const current = agents.map(() => 0);
  const out: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let a = 0; a < agents.length; a++) {
      current[a]! += agents[a]!.weight;
      if (current[a]! > current[best]!) best = a;
    }
    current[best]! -= total;
    out[i] = agents[best]!.agentId;
  }
  return out;
}
