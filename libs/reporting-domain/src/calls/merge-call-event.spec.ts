import fc from 'fast-check';
import type { CallRecord } from '@autotelesale/contracts';
import { callCounts, callCountsAdded } from './call-counts';
import type { CallFacts } from './call-facts';
import { mergeCallEvent, type CallEvent } from './merge-call-event';
import { classifyCall, REGULATOR_GRACE_MS } from './regulator-abandon';

const callId = '7f0c9a5e-3a8b-4f43-9a53-2a4c3b0e2f11';
const campaignId = '0b2f4a6c-1d3e-4f5a-8b7c-9d0e1f2a3b4c';
const contactId = '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d';
const attemptId = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b';

const record = (patch: Partial<CallRecord> = {}): CallRecord => ({
  callId,
  campaignId,
  attemptId,
  contactId,
  dialerId: 'dialer-1',
  node: 'fs1',
  mode: 'predictive',
  phone: '+84961166133',
  outcome: 'answered',
  liveAnswer: true,
  abandoned: false,
  abandonReason: null,
  amd: 'human',
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
  recordingPath: '/rec/1.wav',
  ...patch,
});

/** A connected call's five events, as the dialer publishes them. */
function connectedCall(): CallEvent[] {
  const r = record();
  return [
    {
      type: 'call.dialed',
      version: 1,
      payload: {
        callId,
        campaignId,
        attemptId,
        contactId,
        dialerId: 'dialer-1',
        node: 'fs1',
        mode: 'predictive',
        phone: r.phone,
        dialedAt: r.dialedAt,
      },
    },
    {
      type: 'call.answered',
      version: 2,
      payload: { callId, campaignId, answeredAt: r.answeredAt!, amd: 'human' },
    },
    {
      type: 'call.agentConnected',
      version: 3,
      payload: {
        callId,
        campaignId,
        contactId,
        agentId: 'agent-7',
        extension: '1007',
        phone: r.phone,
        connectedAt: r.connectedAt!,
        answerToAgentMs: 118,
      },
    },
    { type: 'call.ended', version: 4, payload: r },
  ];
}

function abandonedCall(reason: 'noAgentWithinGrace' | 'amdFalsePositive'): CallEvent[] {
  const answeredAt = '2026-11-23T09:00:09.000Z';
  return [
    connectedCall()[0]!,
    {
      type: 'call.answered',
      version: 2,
      payload: { callId, campaignId, answeredAt, amd: reason === 'amdFalsePositive' ? 'machine' : 'human' },
    },
    {
      type: 'call.abandoned',
      version: 3,
      payload: {
        callId,
        campaignId,
        answeredAt,
        abandonedAt: '2026-11-23T09:00:11.000Z',
        reason,
        identificationPlayed: reason === 'noAgentWithinGrace',
      },
    },
    {
      type: 'call.ended',
      version: 4,
      payload: record({
        outcome: reason === 'amdFalsePositive' ? 'machine' : 'abandoned',
        abandoned: true,
        abandonReason: reason,
        amd: reason === 'amdFalsePositive' ? 'machine' : 'human',
        agentId: null,
        extension: null,
        connectedAt: null,
        holdSeconds: 2,
        talkSeconds: 0,
      }),
    },
  ];
}

/**
 * A machine verdict the dialer hung up on (or left its message to), carrying the campaign's
 * AMD false-positive rate on the verdict and, unless `oldRecord`, on the record too.
 */
function machineHungUpCall(rate: number | undefined, options: { oldRecord?: boolean } = {}): CallEvent[] {
  const answeredAt = '2026-11-23T09:00:09.000Z';
  const withRate = rate === undefined ? {} : { amdFalsePositiveRate: rate };
  return [
    connectedCall()[0]!,
    {
      type: 'call.answered',
      version: 2,
      payload: { callId, campaignId, answeredAt, amd: 'machine', amdDetectionMs: 700, ...withRate },
    },
    {
      type: 'call.ended',
      version: 3,
      payload: record({
        outcome: 'machine',
        liveAnswer: false,
        amd: 'machine',
        amdDetectionMs: 700,
        ...(options.oldRecord ? {} : withRate),
        agentId: null,
        extension: null,
        connectedAt: null,
        holdSeconds: 0,
        talkSeconds: 0,
        hangupBy: 'system',
      }),
    },
  ];
}

const mergeAll = (events: readonly CallEvent[]) =>
  events.reduce<CallFacts | null>((facts, event) => mergeCallEvent(facts, event), null)!;

describe('mergeCallEvent', () => {
  it('builds the record of a connected call from its events', () => {
    const facts = mergeAll(connectedCall());
    expect(facts).toMatchObject({
      callId,
      campaignId,
      phone: '+84961166133',
      agentId: 'agent-7',
      extension: '1007',
      outcome: 'answered',
      ended: true,
      lastVersion: 4,
      answerToAgentMs: 120,
      talkSeconds: 120,
      recordingPath: '/rec/1.wav',
    });
    expect(classifyCall(facts)).toEqual({
      countedLive: true,
      countedAbandon: false,
      amdFalsePositive: false,
      machineVerdict: false,
      amdFalsePositiveEstimate: 0,
      connected: true,
    });
  });

  it("uses the dialer's latency until both timestamps are known", () => {
    const [, , connected] = connectedCall();
    expect(mergeCallEvent(null, connected!).answerToAgentMs).toBe(118);
  });

  it('counts a live call as soon as it is answered, before its record', () => {
    const [dialed, answered] = connectedCall();
    const facts = mergeAll([dialed!, answered!]);
    expect(facts.ended).toBe(false);
    expect(callCounts(facts)).toMatchObject({ dials: 1, liveAnswers: 1, connects: 0, abandons: 0 });
  });

  it('keeps the abandon facts only the live event carries, in either order', () => {
    const events = abandonedCall('noAgentWithinGrace');
    const inOrder = mergeAll(events);
    const recordFirst = mergeAll([events[3]!, events[2]!, events[1]!, events[0]!]);
    expect(recordFirst).toEqual(inOrder);
    expect(inOrder).toMatchObject({
      abandonedAt: new Date('2026-11-23T09:00:11.000Z'),
      identificationPlayed: true,
      abandoned: true,
    });
    expect(classifyCall(inOrder)).toMatchObject({ countedLive: true, countedAbandon: true });
  });

  it('leaves an AMD false positive out of the US counts and flags it for the UK rule', () => {
    const facts = mergeAll(abandonedCall('amdFalsePositive'));
    expect(classifyCall(facts)).toEqual({
      countedLive: false,
      countedAbandon: false,
      amdFalsePositive: true,
      // Counted as the false positive it is, never again in the estimate.
      machineVerdict: false,
      amdFalsePositiveEstimate: 0,
      connected: false,
    });
    // The same before the record: AMD's machine verdict does not make a live answer.
    const [dialed, answered, abandoned] = abandonedCall('amdFalsePositive');
    expect(classifyCall(mergeAll([dialed!, answered!]))).toMatchObject({ countedLive: false });
    expect(classifyCall(mergeAll([dialed!, answered!, abandoned!]))).toMatchObject({
      amdFalsePositive: true,
    });
  });

  describe('machine verdicts and the UK estimate of the people among them', () => {
    it.each([
      ['the rate on the verdict and the record', machineHungUpCall(0.1), 0.1],
      [
        'a record from before the field (the verdict tells it)',
        machineHungUpCall(0.1, { oldRecord: true }),
        0.1,
      ],
      ['a rate of 0 (no estimate)', machineHungUpCall(0), 0],
      ['events from before the field (no rate: no estimate)', machineHungUpCall(undefined), 0],
    ])('counts a machine hung up on as a verdict, estimated at its rate: %s', (_label, events, estimate) => {
      expect(classifyCall(mergeAll(events))).toEqual({
        countedLive: false,
        countedAbandon: false,
        amdFalsePositive: false,
        machineVerdict: true,
        amdFalsePositiveEstimate: estimate,
        connected: false,
      });
    });

    it('counts the verdict as soon as it is published, before the record', () => {
      const [dialed, answered] = machineHungUpCall(0.25);
      expect(classifyCall(mergeAll([dialed!, answered!]))).toMatchObject({
        machineVerdict: true,
        amdFalsePositiveEstimate: 0.25,
      });
    });

    it('does not count a machine passed to an agent (a live answer, as the dialer counts it) nor a person', () => {
      const [dialed, , connected, ended] = connectedCall();
      const answered: CallEvent = {
        type: 'call.answered',
        version: 2,
        payload: {
          callId,
          campaignId,
          answeredAt: record().answeredAt!,
          amd: 'machine',
          amdFalsePositiveRate: 0.1,
        },
      };
      const passed = mergeAll([dialed!, answered, connected!, ended!]);
      expect(passed.amdFalsePositiveRate).toBe(0.1);
      expect(classifyCall(passed)).toMatchObject({
        countedLive: true,
        machineVerdict: false,
        amdFalsePositiveEstimate: 0,
      });
      expect(classifyCall(mergeAll(connectedCall()))).toMatchObject({
        machineVerdict: false,
        amdFalsePositiveEstimate: 0,
      });
    });
  });

  it.each([
    ['at exactly 2 s', REGULATOR_GRACE_MS, false],
    ['1 ms past 2 s', REGULATOR_GRACE_MS + 1, true],
    ['at once', 0, false],
  ])('counts a call connected %s after the answer as abandoned: %s', (_label, ms, abandoned) => {
    const answeredAt = new Date('2026-11-23T09:00:09.000Z');
    const facts = mergeAll([
      {
        type: 'call.ended',
        version: 4,
        payload: record({ connectedAt: new Date(answeredAt.getTime() + ms).toISOString() }),
      },
    ]);
    expect(classifyCall(facts)).toMatchObject({
      countedLive: true,
      countedAbandon: abandoned,
      connected: true,
    });
  });

  describe('the abandon clock: campaign grace from the end of the intro (abandonVerdict)', () => {
    const answeredAt = Date.parse('2026-11-23T09:00:09.000Z');
    const at = (ms: number) => new Date(answeredAt + ms).toISOString();
    /** A call with a 6 s intro, connected `connectMs` after the answer; the intro end told by the connect event only. */
    const withIntro = (connectMs: number, extra: Partial<CallRecord> = {}): CallEvent[] => {
      const [dialed, answered, connected] = connectedCall();
      const c = connected as Extract<CallEvent, { type: 'call.agentConnected' }>;
      return [
        dialed!,
        answered!,
        { ...c, payload: { ...c.payload, connectedAt: at(connectMs), introEndedAt: at(6_000) } },
        { type: 'call.ended', version: 4, payload: record({ connectedAt: at(connectMs), ...extra }) },
      ];
    };

    it.each([
      ['2 s after the intro (8 s after the answer)', 8_000, false],
      ['1 ms later', 8_001, true],
    ])('an intro campaign connecting %s: abandoned %s', (_label, ms, abandoned) => {
      const events = withIntro(ms);
      const facts = mergeAll(events);
      expect(facts.introEndedAt).toEqual(new Date(at(6_000)));
      expect(classifyCall(facts)).toMatchObject({ countedLive: true, countedAbandon: abandoned });
      // The record first, the live event after: the same.
      expect(mergeAll([events[3]!, events[2]!, events[0]!, events[1]!])).toEqual(facts);
    });

    it('without an intro the same connect 3 s after the answer is abandoned', () => {
      const facts = mergeAll(
        connectedCall().map((e) =>
          e.type === 'call.ended'
            ? { ...e, payload: record({ connectedAt: at(3_000) }) }
            : e.type === 'call.agentConnected'
              ? { ...e, payload: { ...e.payload, connectedAt: at(3_000) } }
              : e,
        ),
      );
      expect(facts.introEndedAt).toBeNull();
      expect(classifyCall(facts)).toMatchObject({ countedAbandon: true });
    });

    it("takes the campaign's grace from the dial or the record", () => {
      const [dialed, ...rest] = connectedCall().map((e) =>
        e.type === 'call.ended'
          ? { ...e, payload: record({ connectedAt: at(3_000) }) }
          : e.type === 'call.agentConnected'
            ? { ...e, payload: { ...e.payload, connectedAt: at(3_000) } }
            : e,
      );
      const d = dialed as Extract<CallEvent, { type: 'call.dialed' }>;
      const graced = mergeAll([{ ...d, payload: { ...d.payload, abandonGraceMs: 5_000 } }, ...rest]);
      expect(graced.abandonGraceMs).toBe(5_000);
      expect(classifyCall(graced)).toMatchObject({ countedAbandon: false });
      const strict = mergeAll(withIntro(6_600, { abandonGraceMs: 500 }));
      expect(classifyCall(strict)).toMatchObject({ countedAbandon: true });
    });

    it('counts a customer who hung up during the intro as abandoned', () => {
      const [dialed, answered] = connectedCall();
      const hungUp: CallEvent[] = [
        dialed!,
        answered!,
        {
          type: 'call.abandoned',
          version: 3,
          payload: {
            callId,
            campaignId,
            answeredAt: at(0),
            abandonedAt: at(3_000),
            reason: 'customerHungUpWaiting',
            identificationPlayed: false,
          },
        },
        {
          type: 'call.ended',
          version: 4,
          payload: record({
            outcome: 'abandoned',
            abandoned: true,
            abandonReason: 'customerHungUpWaiting',
            agentId: null,
            extension: null,
            connectedAt: null,
            talkSeconds: 0,
            hangupBy: 'customer',
          }),
        },
      ];
      expect(classifyCall(mergeAll(hungUp))).toMatchObject({ countedLive: true, countedAbandon: true });
      // A live call still in its intro is not counted yet.
      expect(classifyCall(mergeAll([dialed!, answered!]))).toMatchObject({
        countedLive: true,
        countedAbandon: false,
      });
    });
  });

  it('gives the same facts whatever the order and however many times each event comes', () => {
    const calls = [
      connectedCall(),
      abandonedCall('noAgentWithinGrace'),
      abandonedCall('amdFalsePositive'),
      machineHungUpCall(0.1),
      machineHungUpCall(0.1, { oldRecord: true }),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...calls),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 16, maxLength: 16 }),
        (events, repeats, sortKeys) => {
          // Every event at least once, some again, in a random order.
          const delivered = [...events, ...repeats.map((r) => events[r % events.length]!)];
          const shuffled = delivered
            .map((event, i) => ({ event, key: sortKeys[i]! }))
            .sort((a, b) => a.key - b.key)
            .map((x) => x.event);
          expect(mergeAll(shuffled)).toEqual(mergeAll(events));
        },
      ),
    );
  });

  it('reports only what a merge added to the counters', () => {
    const events = connectedCall();
    const afterAnswer = mergeAll(events.slice(0, 2));
    const all = mergeAll(events);
    expect(callCountsAdded(null, afterAnswer)).toMatchObject({ dials: 1, liveAnswers: 1, connects: 0 });
    expect(callCountsAdded(afterAnswer, all)).toEqual({
      dials: 0,
      liveAnswers: 0,
      connects: 1,
      abandons: 0,
      amdFalsePositives: 0,
      outcomes: { answered: 1 },
    });
    expect(callCountsAdded(all, mergeCallEvent(all, events[3]!))).toMatchObject({ dials: 0, outcomes: {} });
  });
});
