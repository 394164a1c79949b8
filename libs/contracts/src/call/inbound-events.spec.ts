import { createEvent, parseEvent } from '../envelope';
import { callInboundRejectedEvent } from './inbound-events';

const payload = {
  channelUuid: '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b',
  dialerId: 'dialer-1',
  node: 'fs1',
  callerNumber: '+84961166133',
  calledNumber: '19001234',
  list: 'blacklist' as const,
  listReason: 'shouts at agents',
  hangupCause: 'CALL_REJECTED' as const,
  rejectedAt: '2026-11-23T09:00:00.000Z',
};

describe('call.inboundRejected', () => {
  it('round-trips through an envelope', () => {
    const event = createEvent(callInboundRejectedEvent, {
      aggregateId: payload.channelUuid,
      aggregateVersion: 1,
      producer: 'dialer:dialer-1',
      payload,
    });
    expect(parseEvent(callInboundRejectedEvent, JSON.parse(JSON.stringify(event))).payload).toEqual(payload);
  });

  it('refuses a caller number that is not E.164 and any other cause', () => {
    expect(
      callInboundRejectedEvent.payload.safeParse({ ...payload, callerNumber: '0961166133' }).success,
    ).toBe(false);
    expect(callInboundRejectedEvent.payload.safeParse({ ...payload, hangupCause: 'USER_BUSY' }).success).toBe(
      false,
    );
  });
});
