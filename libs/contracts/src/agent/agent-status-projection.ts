import type { EventEnvelope } from '../envelope';
import { parseEvent } from '../envelope';
import { agentDeletedEvent, agentStateChangedEvent, type AgentStateChangedPayload } from './agent-events';

/** What applying one event did: changed the view, ignored a replay, or changed it past a gap. */
export type ProjectionOutcome = 'applied' | 'replay' | 'gap';

export interface ProjectedAgent {
  agentId: string;
  /** The last version applied (profile events count too: they are versions of the agent). */
  version: number;
  deleted: boolean;
  /** The last state change, or null when none has been seen yet (a new agent is logged out). */
  state: Omit<AgentStateChangedPayload, 'agentId'> | null;
}

/**
 * How a consumer of the agents stream keeps agents' live states (the dialer's ready
 * list, the desktop, reporting): the rule every consumer needs, written once. An event
 * at or below the last version applied is a replay and changes nothing; a version past
 * last + 1 is a gap (applied, and reported so the consumer can re-read `states.get`). An
 * agent first seen at a version above 1 (a consumer that started mid-stream) is applied.
 * Pure, no I/O.
 */
export class AgentStatusProjection {
  private readonly agents = new Map<string, ProjectedAgent>();

  apply(event: EventEnvelope): ProjectionOutcome {
    const known = this.agents.get(event.aggregateId);
    if (known && event.aggregateVersion <= known.version) return 'replay';
    const outcome: ProjectionOutcome =
      known && event.aggregateVersion > known.version + 1 ? 'gap' : 'applied';
    const next: ProjectedAgent = {
      agentId: event.aggregateId,
      version: event.aggregateVersion,
      deleted: known?.deleted ?? false,
      state: known?.state ?? null,
    };
    if (event.type === agentStateChangedEvent.type) {
      const { agentId: _agentId, ...state } = parseEvent(agentStateChangedEvent, event).payload;
      next.state = state;
    } else if (event.type === agentDeletedEvent.type) {
      // Kept as a tombstone, so that a late replay of an older event cannot bring it back.
      next.deleted = true;
    }
    this.agents.set(event.aggregateId, next);
    return outcome;
  }

  get(agentId: string): ProjectedAgent | undefined {
    const agent = this.agents.get(agentId);
    return agent && !agent.deleted ? agent : undefined;
  }

  /** The agents not deleted, in no particular order. */
  all(): ProjectedAgent[] {
    return [...this.agents.values()].filter((agent) => !agent.deleted);
  }
}
