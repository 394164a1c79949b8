import type { AgentStatus } from '@autotelesale/contracts';
import type { PacingEvent } from '@autotelesale/pacing';

interface Seen {
  state: AgentStatus['state'];
  since: number;
  version: number;
}

/**
 * Turns the agents' live states, as the runner reads them on every pacing tick, into the
 * observations the forecast pacer learns agents' wrap-up times from (`wrapEnded`). The
 * durations are agent-service's own timestamps (`stateSince`), so they are in the same
 * clock as the world the agents live in, whatever fs-sim's time scale.
 *
 * A wrap-up is measured only when the state that follows it is the agent's very next
 * change (version + 1): then its `stateSince` is when the wrap-up ended. When more changed
 * between two reads (wrap-up, ready, reserved within one tick), the end is unknown and the
 * wrap-up is skipped; how long an agent stays ready afterwards does not depend on how long
 * it wrapped up, so skipping those does not bias the estimate.
 */
export class AgentStateFeed {
  private readonly seen = new Map<string, Seen>();
  readonly counters = { wrapsObserved: 0, wrapsSkipped: 0 };

  /** The events the change since the last read gives (in the statuses' order). */
  update(statuses: readonly AgentStatus[]): PacingEvent[] {
    const events: PacingEvent[] = [];
    for (const status of statuses) {
      const since = Date.parse(status.stateSince);
      const before = this.seen.get(status.agentId);
      if (before && status.version < before.version) continue; // an older read answered late
      this.seen.set(status.agentId, { state: status.state, since, version: status.version });
      if (!before || before.state !== 'wrap_up' || status.version === before.version) continue;
      if (status.state === 'wrap_up' && since === before.since) continue; // a profile change
      if (status.version !== before.version + 1 || !(since >= before.since)) {
        this.counters.wrapsSkipped++;
        continue;
      }
      this.counters.wrapsObserved++;
      events.push({ type: 'wrapEnded', at: since / 1000, wrapSec: (since - before.since) / 1000 });
    }
    return events;
  }
}
