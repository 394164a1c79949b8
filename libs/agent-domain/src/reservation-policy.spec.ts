import type { ReservationStatus } from '@autotelesale/contracts';
import { CallMismatchError, ReservationClosedError } from './agent-domain.errors';
import { decideCallEnded, decideConfirm, decideRelease } from './reservation-policy';

const NOW = new Date('2026-11-23T09:00:00.000Z');
const LATER = new Date(NOW.getTime() + 1_000);
const facts = (status: ReservationStatus, callId: string | null = null, expiresAt = LATER) => ({
  status,
  callId,
  expiresAt,
});

describe('confirming a reservation', () => {
  it.each([
    ['pending in time', facts('pending'), 'apply'],
    ['pending past its deadline', facts('pending', null, NOW), 'expireFirst'],
    ['confirmed for this call (a retry)', facts('confirmed', 'call-1'), 'replay'],
    ['ended for this call (a late retry)', facts('ended', 'call-1'), 'replay'],
  ] as const)('%s -> %s', (_label, reservation, expected) => {
    expect(decideConfirm(reservation, 'call-1', NOW)).toBe(expected);
  });

  it.each(['released', 'expired'] as const)('refuses a %s reservation', (status) => {
    expect(() => decideConfirm(facts(status), 'call-1', NOW)).toThrow(ReservationClosedError);
  });

  it('refuses a reservation confirmed for another call', () => {
    expect(() => decideConfirm(facts('confirmed', 'call-2'), 'call-1', NOW)).toThrow(CallMismatchError);
  });
});

describe('releasing a reservation', () => {
  it.each([
    ['pending', 'apply'],
    ['released', 'replay'],
    ['expired', 'replay'],
  ] as const)('%s -> %s', (status, expected) => {
    expect(decideRelease(facts(status))).toBe(expected);
  });

  it.each(['confirmed', 'ended'] as const)(
    'refuses a %s reservation (the agent has a customer)',
    (status) => {
      expect(() => decideRelease(facts(status, 'call-1'))).toThrow(
        expect.objectContaining({ code: 'RESERVATION_CLOSED', details: { status, operation: 'release' } }),
      );
    },
  );
});

describe('ending the call of a reservation', () => {
  it.each([
    ['confirmed', 'call-1', 'apply'],
    ['confirmed', undefined, 'apply'],
    ['ended', 'call-1', 'replay'],
  ] as const)('%s (call %s) -> %s', (status, callId, expected) => {
    expect(decideCallEnded(facts(status, 'call-1'), callId)).toBe(expected);
  });

  it.each(['pending', 'released', 'expired'] as const)('refuses a %s reservation', (status) => {
    expect(() => decideCallEnded(facts(status), 'call-1')).toThrow(ReservationClosedError);
  });

  it('refuses another call id', () => {
    expect(() => decideCallEnded(facts('confirmed', 'call-1'), 'call-9')).toThrow(CallMismatchError);
  });
});
