/** At most this many agents named in one reservation request. */
export const MAX_RESERVE_CANDIDATES = 100;

export interface CandidateAgent {
  id: string;
  /** 'ready' only when agent-service said ready and the agent's leg is parked on our node. */
  state: string;
  /** Epoch seconds the agent entered its state. */
  since: number;
}

/**
 * The agents a reservation request names first: the longest-idle ready ones of the last
 * pacing tick, at most MAX_RESERVE_CANDIDATES. Naming the campaign's whole list (1,200
 * agents in the bench) made every answered call carry ~45 KB of ids that the dialer and
 * agent-service each validated and PostgreSQL matched with `= ANY`: per-call cost growing
 * with the campaign's size. The list is only a hint: agent-service still picks a ready
 * agent with its compare-and-set, and a request it answers with no agent is asked again
 * with the whole list (`CallDriverService.reserve`), so an agent who became ready since
 * the tick is never passed over for long.
 */
export function reserveCandidates(agents: readonly CandidateAgent[]): string[] {
  const ready = agents.filter((a) => a.state === 'ready');
  ready.sort((a, b) => a.since - b.since || (a.id < b.id ? -1 : 1));
  return ready.slice(0, MAX_RESERVE_CANDIDATES).map((a) => a.id);
}
