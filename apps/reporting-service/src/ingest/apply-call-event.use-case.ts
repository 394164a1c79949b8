import { Injectable } from '@nestjs/common';
import { mergeCallEvent, type CallEvent, type CallFacts } from '@autotelesale/reporting-domain';
import type { ReportingTx } from '../db/reporting-database';
import {
  CALL_RECORD_COLUMNS,
  factsFromRow,
  rowValuesOf,
  type CallRecordRow,
} from '../records/call-record-rows';
import { claimMessage } from './claim-message';

export type Applied<T> = { applied: false } | ({ applied: true } & T);

const SET_COLUMNS = CALL_RECORD_COLUMNS.map((column, i) => `${column} = $${i + 2}`).join(', ');

/**
 * Merges one call event into the call's record, under the row's lock (two replicas may
 * hold two events of one call at once), and marks the event applied, in the caller's
 * transaction. Returns the facts before and after, for the live counters.
 */
@Injectable()
export class ApplyCallEventUseCase {
  static readonly CONSUMER = 'calls';

  async apply(
    tx: ReportingTx,
    eventId: string,
    event: CallEvent,
  ): Promise<Applied<{ before: CallFacts | null; after: CallFacts }>> {
    if (!(await claimMessage(tx, ApplyCallEventUseCase.CONSUMER, eventId))) return { applied: false };
    const inserted = await tx.query(
      `INSERT INTO call_record (call_id, campaign_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [event.payload.callId, event.payload.campaignId],
    );
    const { rows } = await tx.query<CallRecordRow>(
      `SELECT * FROM call_record WHERE call_id = $1 FOR UPDATE`,
      [event.payload.callId],
    );
    const before = inserted.rowCount === 1 ? null : factsFromRow(rows[0]!);
    const after = mergeCallEvent(before, event);
    await tx.query(`UPDATE call_record SET ${SET_COLUMNS}, updated_at = now() WHERE call_id = $1`, [
      event.payload.callId,
      ...rowValuesOf(after),
    ]);
    return { applied: true, before, after };
  }
}
