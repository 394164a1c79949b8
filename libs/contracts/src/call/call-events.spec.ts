import { createEvent, parseEvent } from '../envelope';
import { callAgentConnectedEvent, callAnsweredEvent, callEndedEvent, CallRecord } from './call-events';

const record: CallRecord = {
  callId: '7f0c9a5e-3a8b-4f43-9a53-2a4c3b0e2f11',
  campaignId: '0b2f4a6c-1d3e-4f5a-8b7c-9d0e1f2a3b4c',
  attemptId: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b',
  contactId: '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d',
  dialerId: 'dialer-1',
  node: 'fs1',
  mode: 'predictive',
  phone: '+84961166133',
  outcome: 'answered',
  liveAnswer: true,
  abandoned: false,
  abandonReason: null,
  amd: 'notRun',
  agentId: 'agent-7',
  extension: '1007',
  dialedAt: '2026-11-23T09:00:00.000Z',
  answeredAt: '2026-11-23T09:00:09.000Z',
  connectedAt: '2026-11-23T09:00:09.120Z',
  endedAt: '2026-11-23T09:02:09.120Z',
  ringSeconds: 9,
  holdSeconds: 0.12,
  talkSeconds: 120,
  hangupCause: 'NORMAL_CLEARING',
  hangupBy: 'customer',
  recordingPath: null,
};

describe('call events', () => {
  it('carries a full call record through an envelope and back', () => {
    const event = createEvent(callEndedEvent, {
      aggregateId: record.callId,
      aggregateVersion: 4,
      producer: 'dialer',
      payload: record,
    });
    expect(parseEvent(callEndedEvent, JSON.parse(JSON.stringify(event))).payload).toEqual(record);
  });

  it.each([
    ['a national number', { phone: '0961166133' }],
    ['a negative talk time', { talkSeconds: -1 }],
    ['an unknown outcome', { outcome: 'hungUp' }],
  ])('refuses a record with %s', (_label, patch) => {
    expect(() =>
      createEvent(callEndedEvent, {
        aggregateId: record.callId,
        aggregateVersion: 4,
        producer: 'dialer',
        payload: { ...record, ...patch } as CallRecord,
      }),
    ).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('keeps the screen-pop fields the gateway streams, the latency optional', () => {
    const payload = {
      callId: record.callId,
      campaignId: record.campaignId,
      contactId: record.contactId,
      agentId: 'agent-7',
      extension: '1007',
      phone: record.phone,
      connectedAt: record.connectedAt!,
    };
    expect(callAgentConnectedEvent.payload.parse(payload)).toEqual(payload);
    expect(callAgentConnectedEvent.payload.parse({ ...payload, answerToAgentMs: 120 }).answerToAgentMs).toBe(
      120,
    );
  });

  describe('the AMD false-positive rate a machine verdict carries (UK estimate)', () => {
    const answered = {
      callId: record.callId,
      campaignId: record.campaignId,
      answeredAt: record.answeredAt!,
      amd: 'machine' as const,
      amdDetectionMs: 640,
    };

    it('parses an event from before the field (no rate: no estimate)', () => {
      expect(callAnsweredEvent.payload.parse(answered)).toEqual(answered);
      expect(callEndedEvent.payload.parse(record).amdFalsePositiveRate).toBeUndefined();
    });

    it('carries the campaign rate on the verdict and on the record', () => {
      expect(
        callAnsweredEvent.payload.parse({ ...answered, amdFalsePositiveRate: 0.1 }).amdFalsePositiveRate,
      ).toBe(0.1);
      const withRate = { ...record, amd: 'machine' as const, amdFalsePositiveRate: 0 };
      expect(callEndedEvent.payload.parse(withRate).amdFalsePositiveRate).toBe(0);
    });

    it.each([[-0.1], [1.5], ['0.1']])('refuses a rate of %p', (rate) => {
      expect(() => callAnsweredEvent.payload.parse({ ...answered, amdFalsePositiveRate: rate })).toThrow();
    });
  });
});
