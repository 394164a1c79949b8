import type { EventEnvelope } from '@autotelesale/contracts';
import type { AgentTx } from '../db/agent-database';

/** Puts an event in the outbox, in the transaction of the change it announces. */
export async function enqueueAgentEvent(tx: AgentTx, event: EventEnvelope): Promise<void> {
  await tx.query(
    `INSERT INTO agent_event_outbox (event_id, agent_id, version, envelope) VALUES ($1, $2, $3, $4)`,
    [event.id, event.aggregateId, event.aggregateVersion, JSON.stringify(event)],
  );
  tx.eventsEnqueued += 1;
}
