import type { EventEnvelope } from '@autotelesale/contracts';
import type { Tx } from '../db/sql';

/** Stores events in the transaction of the change they describe; the relay publishes them after commit. */
export async function appendToOutbox(
  tx: Tx,
  entries: Array<{ subject: string; event: EventEnvelope }>,
): Promise<void> {
  if (entries.length === 0) return;
  await tx.query(`INSERT INTO outbox (subject, event) SELECT * FROM unnest($1::text[], $2::jsonb[])`, [
    entries.map((e) => e.subject),
    entries.map((e) => JSON.stringify(e.event)),
  ]);
}
