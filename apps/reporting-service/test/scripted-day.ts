import { randomUUID } from 'node:crypto';
import {
  agentStateChangedEvent,
  CAMPAIGN_DEFAULTS,
  callAbandonedEvent,
  callAgentConnectedEvent,
  callAnsweredEvent,
  callDialedEvent,
  callEndedEvent,
  campaignEvents,
  createEvent,
  type AgentState,
  type AgentStateChangedPayload,
  type CallRecord,
  type EventEnvelope,
} from '@autotelesale/contracts';

/**
 * One hour of a small campaign, scripted to the second, with every kind of call the
 * KPIs must tell apart. `base` is an hour boundary; times below are base + mm:ss.
 *
 * Agents (A1 ext 1001, A2 ext 1002), campaign C1 (cap 3 %):
 *   A1 00:00 not_ready, 01:00 ready, 02:00 reserved K1, 02:10 on_call, 04:10 wrap_up,
 *      04:40 ready, 10:00 reserved K3, 10:01 on_call, 13:01 wrap_up, 13:21 ready,
 *      60:00 logged_out                   -> logged in 3600 s, talk 300, wrap 50
 *   A2 00:00 not_ready, 00:30 ready, 05:00 reserved K2, 05:01 on_call, 06:01 wrap_up,
 *      06:11 ready, 30:00 logged_out      -> logged in 1800 s, talk 60, wrap 10
 *
 * Calls of C1 (dial time, what happened):
 *   K1 01:50 answered 02:00, A1 at 02:00.500 (500 ms), talk 120, SALE 250 USD
 *   K2 04:45 answered 05:00, A2 at 05:01.200 (1200 ms), talk 60, NOT_INTERESTED
 *   K3 09:40 answered 09:58.500, A1 at 10:01 (2500 ms: a late connect, which the
 *      regulator counts as abandoned though the dialer did not), talk 180, SALE 100 USD
 *   K4 20:00 answered 20:05, no agent within the grace: abandoned 20:07
 *   K5 21:00 no answer (25 s ring); its recording path is a formula
 *   K6 22:00 busy; its hangup cause is a formula
 *   K7 23:00 answering machine (AMD right); hangup cause holds a comma and quotes
 *   K8 24:00 AMD took a person for a machine and hung up (false positive)
 *   K9 40:00 answered 40:10, the customer hung up waiting at 40:11
 *   K10 50:00 dialed, still ringing (only call.dialed)
 * And one call of campaign C2: K12 30:00, no answer.
 */
export interface ScriptedDay {
  base: Date;
  campaignId: string;
  otherCampaignId: string;
  agents: { a1: string; a2: string };
  calls: Record<string, string>;
  campaignEvents: EventEnvelope[];
  agentEvents: EventEnvelope[];
  callEvents: EventEnvelope[];
  /** Every event, in an order that tests arrival out of order across and within streams. */
  scrambled: EventEnvelope[];
  /** The formula cells and the text cell with separators, as published. */
  nastyCells: { recordingPath: string; hangupCause: string; commaQuote: string };
}

const at = (base: Date, mmss: string) => {
  const [m, s] = mmss.split(':');
  return new Date(base.getTime() + (Number(m) * 60 + Number(s)) * 1000).toISOString();
};

export function scriptedDay(base: Date): ScriptedDay {
  const campaignId = randomUUID();
  const otherCampaignId = randomUUID();
  const a1 = randomUUID();
  const a2 = randomUUID();
  const ids = Object.fromEntries(
    ['K1', 'K2', 'K3', 'K4', 'K5', 'K6', 'K7', 'K8', 'K9', 'K10', 'K12'].map((k) => [k, randomUUID()]),
  );
  const t = (mmss: string) => at(base, mmss);
  const nastyCells = {
    recordingPath: `=cmd|' /C calc'!A0`,
    hangupCause: '@SUM(1+1)',
    commaQuote: 'MACHINE, "detected"',
  };

  // ---- campaigns stream: the campaign, then dispositions (before their calls arrive)
  const campaign = (id: string, name: string) =>
    createEvent(campaignEvents.campaignCreated, {
      aggregateId: id,
      aggregateVersion: 1,
      producer: 'campaign',
      payload: {
        campaign: {
          ...CAMPAIGN_DEFAULTS,
          name,
          mode: 'predictive',
          id,
          version: 1,
          status: 'running',
          createdAt: t('00:00'),
          updatedAt: t('00:00'),
          statusChangedAt: t('00:00'),
        },
      },
    });
  const disposition = (
    callKey: string,
    agentId: string,
    code: string,
    sale: boolean,
    value: number | null,
    when: string,
  ) =>
    createEvent(campaignEvents.dispositionRecorded, {
      aggregateId: randomUUID(),
      aggregateVersion: 3,
      producer: 'campaign',
      payload: {
        disposition: {
          id: randomUUID(),
          campaignId,
          contactId: randomUUID(),
          callId: ids[callKey]!,
          agentId,
          code,
          final: true,
          sale,
          notes: null,
          callbackAt: null,
          callbackId: null,
          saleValue: value,
          currency: value === null ? null : 'USD',
          fields: {},
          recordedAt: t(when),
          applied: true,
          contactStatus: 'done',
        },
      },
    });
  const campaignEventsList = [
    campaign(campaignId, 'Scripted day'),
    campaign(otherCampaignId, 'Other'),
    disposition('K1', a1, 'SALE', true, 250, '04:30'),
    disposition('K2', a2, 'NOT_INTERESTED', false, null, '06:05'),
    disposition('K3', a1, 'SALE', true, 100, '13:15'),
  ];

  // ---- agents stream
  const agentEvents: EventEnvelope[] = [];
  const script = (
    agentId: string,
    extension: string,
    steps: Array<[string, AgentState, AgentStateChangedPayload['cause'], string | null]>,
  ) => {
    let from: AgentState = 'logged_out';
    steps.forEach(([when, to, cause, callKey], i) => {
      const inCampaign = to === 'reserved' || to === 'on_call' || to === 'wrap_up';
      agentEvents.push(
        createEvent(agentStateChangedEvent, {
          aggregateId: agentId,
          aggregateVersion: i + 1,
          producer: 'agent',
          payload: {
            agentId,
            from,
            to,
            cause,
            at: t(when),
            sessionExtension: to === 'logged_out' ? null : extension,
            reasonCode: null,
            campaignId: inCampaign ? campaignId : null,
            reservationId: null,
            callId: callKey ? ids[callKey]! : null,
            reservationExpiresAt: null,
            wrapUpEndsAt: null,
          },
        }),
      );
      from = to;
    });
  };
  script(a1, '1001', [
    ['00:00', 'not_ready', 'login', null],
    ['01:00', 'ready', 'ready', null],
    ['02:00', 'reserved', 'reserve', 'K1'],
    ['02:10', 'on_call', 'confirm', 'K1'],
    ['04:10', 'wrap_up', 'callEnded', 'K1'],
    ['04:40', 'ready', 'wrapUpCompleted', null],
    ['10:00', 'reserved', 'reserve', 'K3'],
    ['10:01', 'on_call', 'confirm', 'K3'],
    ['13:01', 'wrap_up', 'callEnded', 'K3'],
    ['13:21', 'ready', 'wrapUpElapsed', null],
    ['60:00', 'logged_out', 'logout', null],
  ]);
  script(a2, '1002', [
    ['00:00', 'not_ready', 'login', null],
    ['00:30', 'ready', 'ready', null],
    ['05:00', 'reserved', 'reserve', 'K2'],
    ['05:01', 'on_call', 'confirm', 'K2'],
    ['06:01', 'wrap_up', 'callEnded', 'K2'],
    ['06:11', 'ready', 'wrapUpCompleted', null],
    ['30:00', 'logged_out', 'logout', null],
  ]);

  // ---- calls stream
  const callEvents: EventEnvelope[] = [];
  const versions = new Map<string, number>();
  const emit = (callKey: string, make: (callId: string, version: number) => EventEnvelope) => {
    const version = (versions.get(callKey) ?? 0) + 1;
    versions.set(callKey, version);
    callEvents.push(make(ids[callKey]!, version));
  };
  const phoneOf = (callKey: string) => `+8490${String(1000000 + Number(callKey.slice(1))).slice(1)}`;
  const contacts = new Map<string, string>();
  const contactOf = (k: string) => contacts.get(k) ?? (contacts.set(k, randomUUID()), contacts.get(k)!);
  const attempts = new Map<string, string>();
  const attemptOf = (k: string) => attempts.get(k) ?? (attempts.set(k, randomUUID()), attempts.get(k)!);
  const dialed = (k: string, when: string, campaign = campaignId) =>
    emit(k, (callId, v) =>
      createEvent(callDialedEvent, {
        aggregateId: callId,
        aggregateVersion: v,
        producer: 'dialer',
        payload: {
          callId,
          campaignId: campaign,
          attemptId: attemptOf(k),
          contactId: contactOf(k),
          dialerId: 'dialer-1',
          node: 'fs1',
          mode: 'predictive',
          phone: phoneOf(k),
          dialedAt: t(when),
        },
      }),
    );
  const answered = (k: string, when: string, amd: 'human' | 'machine') =>
    emit(k, (callId, v) =>
      createEvent(callAnsweredEvent, {
        aggregateId: callId,
        aggregateVersion: v,
        producer: 'dialer',
        payload: { callId, campaignId, answeredAt: t(when), amd },
      }),
    );
  const connected = (k: string, agentId: string, extension: string, when: string, ms: number) =>
    emit(k, (callId, v) =>
      createEvent(callAgentConnectedEvent, {
        aggregateId: callId,
        aggregateVersion: v,
        producer: 'dialer',
        payload: {
          callId,
          campaignId,
          contactId: contactOf(k),
          agentId,
          extension,
          phone: phoneOf(k),
          connectedAt: t(when),
          answerToAgentMs: ms,
        },
      }),
    );
  const abandoned = (
    k: string,
    answeredAt: string,
    when: string,
    reason: 'noAgentWithinGrace' | 'customerHungUpWaiting' | 'amdFalsePositive',
  ) =>
    emit(k, (callId, v) =>
      createEvent(callAbandonedEvent, {
        aggregateId: callId,
        aggregateVersion: v,
        producer: 'dialer',
        payload: {
          callId,
          campaignId,
          answeredAt: t(answeredAt),
          abandonedAt: t(when),
          reason,
          identificationPlayed: reason === 'noAgentWithinGrace',
        },
      }),
    );
  const ended = (
    k: string,
    record: Partial<CallRecord> & Pick<CallRecord, 'outcome' | 'dialedAt' | 'endedAt'>,
  ) =>
    emit(k, (callId, v) =>
      createEvent(callEndedEvent, {
        aggregateId: callId,
        aggregateVersion: v,
        producer: 'dialer',
        payload: {
          callId,
          campaignId,
          attemptId: attemptOf(k),
          contactId: contactOf(k),
          dialerId: 'dialer-1',
          node: 'fs1',
          mode: 'predictive',
          phone: phoneOf(k),
          liveAnswer: false,
          abandoned: false,
          abandonReason: null,
          amd: 'human',
          agentId: null,
          extension: null,
          answeredAt: null,
          connectedAt: null,
          ringSeconds: 0,
          holdSeconds: 0,
          talkSeconds: 0,
          hangupCause: 'NORMAL_CLEARING',
          hangupBy: 'customer',
          recordingPath: null,
          ...record,
        },
      }),
    );

  dialed('K1', '01:50');
  answered('K1', '02:00', 'human');
  connected('K1', a1, '1001', '02:00.500', 500);
  ended('K1', {
    outcome: 'answered',
    liveAnswer: true,
    agentId: a1,
    extension: '1001',
    dialedAt: t('01:50'),
    answeredAt: t('02:00'),
    connectedAt: t('02:00.500'),
    endedAt: t('04:10'),
    ringSeconds: 10,
    holdSeconds: 0.5,
    talkSeconds: 120,
    recordingPath: '/recordings/k1.wav',
  });
  dialed('K2', '04:45');
  answered('K2', '05:00', 'human');
  connected('K2', a2, '1002', '05:01.200', 1200);
  ended('K2', {
    outcome: 'answered',
    liveAnswer: true,
    agentId: a2,
    extension: '1002',
    dialedAt: t('04:45'),
    answeredAt: t('05:00'),
    connectedAt: t('05:01.200'),
    endedAt: t('06:01'),
    ringSeconds: 15,
    holdSeconds: 1.2,
    talkSeconds: 60,
    hangupBy: 'agent',
  });
  dialed('K3', '09:40');
  answered('K3', '09:58.500', 'human');
  connected('K3', a1, '1001', '10:01', 2500);
  ended('K3', {
    outcome: 'answered',
    liveAnswer: true,
    agentId: a1,
    extension: '1001',
    dialedAt: t('09:40'),
    answeredAt: t('09:58.500'),
    connectedAt: t('10:01'),
    endedAt: t('13:01'),
    ringSeconds: 18.5,
    holdSeconds: 2.5,
    talkSeconds: 180,
  });
  dialed('K4', '20:00');
  answered('K4', '20:05', 'human');
  abandoned('K4', '20:05', '20:07', 'noAgentWithinGrace');
  ended('K4', {
    outcome: 'abandoned',
    liveAnswer: true,
    abandoned: true,
    abandonReason: 'noAgentWithinGrace',
    dialedAt: t('20:00'),
    answeredAt: t('20:05'),
    endedAt: t('20:15'),
    ringSeconds: 5,
    holdSeconds: 2,
    hangupBy: 'system',
  });
  dialed('K5', '21:00');
  ended('K5', {
    outcome: 'noAnswer',
    amd: 'notRun',
    dialedAt: t('21:00'),
    endedAt: t('21:25'),
    ringSeconds: 25,
    hangupCause: 'NO_ANSWER',
    hangupBy: 'system',
    recordingPath: nastyCells.recordingPath,
  });
  dialed('K6', '22:00');
  ended('K6', {
    outcome: 'busy',
    amd: 'notRun',
    dialedAt: t('22:00'),
    endedAt: t('22:03'),
    ringSeconds: 3,
    hangupCause: nastyCells.hangupCause,
    hangupBy: 'network',
  });
  dialed('K7', '23:00');
  answered('K7', '23:06', 'machine');
  ended('K7', {
    outcome: 'machine',
    amd: 'machine',
    dialedAt: t('23:00'),
    answeredAt: t('23:06'),
    endedAt: t('23:10'),
    ringSeconds: 6,
    hangupCause: nastyCells.commaQuote,
    hangupBy: 'system',
  });
  dialed('K8', '24:00');
  answered('K8', '24:04', 'machine');
  abandoned('K8', '24:04', '24:06', 'amdFalsePositive');
  ended('K8', {
    outcome: 'machine',
    amd: 'machine',
    liveAnswer: true,
    abandoned: true,
    abandonReason: 'amdFalsePositive',
    dialedAt: t('24:00'),
    answeredAt: t('24:04'),
    endedAt: t('24:06'),
    ringSeconds: 4,
    holdSeconds: 2,
    hangupBy: 'system',
  });
  dialed('K9', '40:00');
  answered('K9', '40:10', 'human');
  abandoned('K9', '40:10', '40:11', 'customerHungUpWaiting');
  ended('K9', {
    outcome: 'abandoned',
    liveAnswer: true,
    abandoned: true,
    abandonReason: 'customerHungUpWaiting',
    dialedAt: t('40:00'),
    answeredAt: t('40:10'),
    endedAt: t('40:11'),
    ringSeconds: 10,
    holdSeconds: 1,
  });
  dialed('K10', '50:00');
  dialed('K12', '30:00', otherCampaignId);
  emit('K12', (callId, v) =>
    createEvent(callEndedEvent, {
      aggregateId: callId,
      aggregateVersion: v,
      producer: 'dialer',
      payload: {
        callId,
        campaignId: otherCampaignId,
        attemptId: attemptOf('K12'),
        contactId: contactOf('K12'),
        dialerId: 'dialer-1',
        node: 'fs1',
        mode: 'predictive',
        phone: phoneOf('K12'),
        outcome: 'noAnswer',
        liveAnswer: false,
        abandoned: false,
        abandonReason: null,
        amd: 'notRun',
        agentId: null,
        extension: null,
        dialedAt: t('30:00'),
        answeredAt: null,
        connectedAt: null,
        endedAt: t('30:25'),
        ringSeconds: 25,
        holdSeconds: 0,
        talkSeconds: 0,
        hangupCause: 'NO_ANSWER',
        hangupBy: 'system',
        recordingPath: null,
      },
    }),
  );

  // Out of order: dispositions before any call; within the calls stream each call's events
  // reversed (its record before its dial) for the odd calls; each agent's versions 4 and 5 swapped.
  const byCall = new Map<string, EventEnvelope[]>();
  for (const e of callEvents) byCall.set(e.aggregateId, [...(byCall.get(e.aggregateId) ?? []), e]);
  const scrambledCalls = [...byCall.values()].flatMap((events, i) =>
    i % 2 === 0 ? [...events].reverse() : events,
  );
  const swapped = (agentId: string) => {
    const events = agentEvents.filter((e) => e.aggregateId === agentId);
    return [events[0]!, events[1]!, events[2]!, events[4]!, events[3]!, ...events.slice(5)];
  };
  const scrambled = [...campaignEventsList, ...scrambledCalls, ...swapped(a1), ...swapped(a2)];

  return {
    base,
    campaignId,
    otherCampaignId,
    agents: { a1, a2 },
    calls: ids,
    campaignEvents: campaignEventsList,
    agentEvents,
    callEvents,
    scrambled,
    nastyCells,
  };
}
