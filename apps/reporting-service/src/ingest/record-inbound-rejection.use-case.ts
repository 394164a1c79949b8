import { Injectable } from '@nestjs/common';
import type { CallInboundRejected } from '@autotelesale/contracts';
import type { ReportingTx } from '../db/reporting-database';
import { ApplyCallEventUseCase } from './apply-call-event.use-case';
import { claimMessage } from './claim-message';

/**
 * Keeps one inbound call the gate refused (`call.inboundRejected`, calls stream), in the
 * caller's transaction. The event id is claimed on the calls consumer like every call
 * event; the row's keys (event id, channel) also hold if the claim table is ever pruned.
 * Returns false for a redelivery or a replay: nothing is stored or counted again.
 */
@Injectable()
export class RecordInboundRejectionUseCase {
  async apply(tx: ReportingTx, eventId: string, rejection: CallInboundRejected): Promise<boolean> {
    if (!(await claimMessage(tx, ApplyCallEventUseCase.CONSUMER, eventId))) return false;
    const result = await tx.query(
      `INSERT INTO inbound_rejection
         (event_id, channel_uuid, dialer_id, node, caller_number, called_number, list, list_reason,
          hangup_cause, rejected_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT DO NOTHING`,
      [
        eventId,
        rejection.channelUuid,
        rejection.dialerId,
        rejection.node,
        rejection.callerNumber,
        rejection.calledNumber,
        rejection.list,
        rejection.listReason,
        rejection.hangupCause,
        new Date(rejection.rejectedAt),
      ],
    );
    return result.rowCount === 1;
  }
}
