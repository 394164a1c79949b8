import {
  RESERVATION_CHANGES_MAX,
  callEndedRpc,
  changeReservationsRpc,
  confirmReservationRpc,
  releaseReservationRpc,
  type ReservationChange,
  type ReservationChangeReply,
} from '@autotelesale/contracts';
import { RequestBatcher, type NatsBus } from '@autotelesale/messaging';

/**
 * The dialer's confirms, releases and call ends to agent-service, gathered over a short
 * window into `reservations.changeMany` requests (one transaction each instead of one per
 * change). Each caller gets its own change's answer, or its own typed error; a request
 * that fails as a whole (timeout, lost connection) fails each of its changes with that
 * error. Changes are sent in the order they were asked; agent-service applies two changes
 * of one reservation in that order. While no agent-service replica serves
 * `reservations.changeMany` (all of them older, in a rolling upgrade), each change goes by
 * its own request (`reservations.confirm`, `reservations.release`, `calls.ended`), in order.
 */
export class ReservationChanges {
  private readonly batcher: RequestBatcher<ReservationChange, ReservationChangeReply>;

  /**
   * `windowMs`: how long a change waits for others before its request goes. Confirms,
   * releases and call ends come after the bridge and after the hang-up, never on a
   * customer's way to an agent, so a few milliseconds cost nobody anything (at 100
   * calls/s, 20 ms makes batches of about 4).
   */
  constructor(bus: NatsBus, windowMs: number) {
    this.batcher = new RequestBatcher({
      windowMs,
      max: RESERVATION_CHANGES_MAX,
      send: async (changes, { links }) =>
        (await bus.request(changeReservationsRpc, { changes }, { links })).results,
      alone: (change) => {
        switch (change.op) {
          case 'confirm':
            return bus.request(confirmReservationRpc, {
              reservationId: change.reservationId,
              callId: change.callId,
            });
          case 'release':
            return bus.request(releaseReservationRpc, { reservationId: change.reservationId });
          case 'callEnded':
            return bus.request(callEndedRpc, {
              reservationId: change.reservationId,
              callId: change.callId,
              wrapUpSeconds: change.wrapUpSeconds,
            });
        }
      },
    });
  }

  confirm(reservationId: string, callId: string): Promise<ReservationChangeReply> {
    return this.batcher.add({ op: 'confirm', reservationId, callId });
  }

  release(reservationId: string): Promise<ReservationChangeReply> {
    return this.batcher.add({ op: 'release', reservationId });
  }

  callEnded(reservationId: string, wrapUpSeconds: number, callId?: string): Promise<ReservationChangeReply> {
    return this.batcher.add({ op: 'callEnded', reservationId, callId, wrapUpSeconds });
  }

  /** Sends what is waiting now, and resolves once every request sent has its answer (at shutdown). */
  flush(): Promise<void> {
    return this.batcher.flush();
  }
}
