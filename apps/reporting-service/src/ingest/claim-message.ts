import type { ReportingTx } from '../db/reporting-database';

/**
 * Records, in the transaction that applies it, that `consumer` has applied the event:
 * false when it already had (a redelivery or a replay), and the caller applies nothing.
 */
export async function claimMessage(tx: ReportingTx, consumer: string, messageId: string): Promise<boolean> {
  const result = await tx.query(
    `INSERT INTO processed_message (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
    [consumer, messageId],
  );
  return result.rowCount === 1;
}
