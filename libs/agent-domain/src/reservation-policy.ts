import type { ReservationStatus } from '@autotelesale/contracts';
import { CallMismatchError, ReservationClosedError } from './agent-domain.errors';

/** What the reservation rules need to know about a stored reservation. */
export interface ReservationFacts {
  status: ReservationStatus;
  callId: string | null;
  expiresAt: Date;
}

/**
 * What to do with a request on a reservation: `apply` it (change the agent), `replay`
 * the answer already given (a retry: nothing changes twice), or for a confirm that
 * arrives after the deadline the sweeper has not reached yet, `expireFirst` (expire it
 * by database time, then refuse).
 */
export type ReservationDecision = 'apply' | 'replay' | 'expireFirst';

export function decideConfirm(reservation: ReservationFacts, callId: string, now: Date): ReservationDecision {
  switch (reservation.status) {
    case 'pending':
      return reservation.expiresAt <= now ? 'expireFirst' : 'apply';
    case 'confirmed':
    case 'ended':
      if (reservation.callId !== callId) throw new CallMismatchError(reservation.callId, callId);
      return 'replay';
    case 'released':
    case 'expired':
      throw new ReservationClosedError(reservation.status, 'confirm');
  }
}

/** A release after expiry is what the dialer wanted anyway (agent ready again): answered, not refused. */
export function decideRelease(reservation: ReservationFacts): ReservationDecision {
  switch (reservation.status) {
    case 'pending':
      return 'apply';
    case 'released':
    case 'expired':
      return 'replay';
    case 'confirmed':
    case 'ended':
      throw new ReservationClosedError(reservation.status, 'release');
  }
}

export function decideCallEnded(reservation: ReservationFacts, callId?: string): ReservationDecision {
  switch (reservation.status) {
    case 'confirmed':
      if (callId !== undefined && reservation.callId !== callId) {
        throw new CallMismatchError(reservation.callId, callId);
      }
      return 'apply';
    case 'ended':
      return 'replay';
    case 'pending':
    case 'released':
    case 'expired':
      throw new ReservationClosedError(reservation.status, 'end the call of');
  }
}
