import type { z } from 'zod';
import type {
  callAbandonedEvent,
  callAgentConnectedEvent,
  callAnsweredEvent,
  callDialedEvent,
  callEndedEvent,
} from '@autotelesale/contracts';
import { emptyCallFacts, factsOfRecord, type CallFacts } from './call-facts';

type Payload<E extends { payload: z.ZodType }> = z.output<E['payload']>;

/** One call event, validated, with the version the dialer gave it. */
export type CallEvent =
  | { type: 'call.dialed'; version: number; payload: Payload<typeof callDialedEvent> }
  | { type: 'call.answered'; version: number; payload: Payload<typeof callAnsweredEvent> }
  | { type: 'call.agentConnected'; version: number; payload: Payload<typeof callAgentConnectedEvent> }
  | { type: 'call.abandoned'; version: number; payload: Payload<typeof callAbandonedEvent> }
  | { type: 'call.ended'; version: number; payload: Payload<typeof callEndedEvent> };

/** The campaign a call event belongs to (every call event carries it). */
export function campaignOfCallEvent(event: CallEvent): string {
  return event.payload.campaignId;
}

const date = (iso: string) => new Date(iso);

/**
 * Merges one call event into what is known of the call. Order-free and idempotent:
 * applying the same events in any order, any number of times, gives the same facts.
 *
 * - `call.ended` is the dialer's record of the whole call: its fields replace what the
 *   earlier events said.
 * - Every other event only fills facts still unknown (a fact of a call never changes),
 *   and fills nothing the record has already settled.
 * - The facts only the live events carry (abandon time, identification message, the
 *   dialer's own answer-to-agent measure) are kept whatever the order; so are the
 *   abandon clock's (intro end, campaign grace) unless the record tells them itself.
 */
export function mergeCallEvent(existing: CallFacts | null, event: CallEvent): CallFacts {
  const base = existing ?? emptyCallFacts(event.payload.callId, event.payload.campaignId);
  const next: CallFacts = { ...base, lastVersion: Math.max(base.lastVersion, event.version) };
  const fill = <K extends keyof CallFacts>(key: K, value: CallFacts[K] | undefined) => {
    if (value !== undefined && value !== null && next[key] === null && !base.ended) next[key] = value;
  };
  switch (event.type) {
    case 'call.dialed': {
      const p = event.payload;
      fill('attemptId', p.attemptId);
      fill('contactId', p.contactId);
      fill('dialerId', p.dialerId);
      fill('node', p.node);
      fill('mode', p.mode);
      fill('phone', p.phone);
      fill('dialedAt', date(p.dialedAt));
      if (next.abandonGraceMs === null && p.abandonGraceMs !== undefined)
        next.abandonGraceMs = p.abandonGraceMs;
      break;
    }
    case 'call.answered': {
      const p = event.payload;
      fill('answeredAt', date(p.answeredAt));
      fill('amd', p.amd);
      if (!base.ended && p.amd !== 'machine') next.liveAnswer = true;
      // The campaign's rate never changes for a call: kept whatever the order (the record
      // repeats it; a record from before the field keeps the verdict's).
      if (next.amdFalsePositiveRate === null && p.amdFalsePositiveRate !== undefined)
        next.amdFalsePositiveRate = p.amdFalsePositiveRate;
      break;
    }
    case 'call.agentConnected': {
      const p = event.payload;
      fill('contactId', p.contactId);
      fill('agentId', p.agentId);
      fill('extension', p.extension);
      fill('phone', p.phone);
      fill('connectedAt', date(p.connectedAt));
      if (next.answerToAgentMs === null && p.answerToAgentMs !== undefined) {
        next.answerToAgentMs = p.answerToAgentMs;
      }
      if (next.introEndedAt === null && p.introEndedAt !== undefined)
        next.introEndedAt = date(p.introEndedAt);
      // A customer connected to an agent was a person, whatever AMD said.
      if (!base.ended) next.liveAnswer = true;
      break;
    }
    case 'call.abandoned': {
      const p = event.payload;
      fill('answeredAt', date(p.answeredAt));
      if (next.abandonedAt === null) next.abandonedAt = date(p.abandonedAt);
      if (next.identificationPlayed === null) next.identificationPlayed = p.identificationPlayed;
      if (next.introEndedAt === null && p.introEndedAt !== undefined)
        next.introEndedAt = date(p.introEndedAt);
      if (!base.ended) {
        next.abandoned = true;
        next.liveAnswer = true;
        if (next.abandonReason === null) next.abandonReason = p.reason;
      }
      break;
    }
    case 'call.ended': {
      const p = event.payload;
      Object.assign(next, factsOfRecord(p), { ended: true });
      // The abandon clock's facts: the record's when it tells them, else what the live
      // events said (a dialer that does not repeat them in the record loses nothing).
      if (p.introEndedAt) next.introEndedAt = date(p.introEndedAt);
      if (p.abandonGraceMs !== undefined) next.abandonGraceMs = p.abandonGraceMs;
      if (p.amdFalsePositiveRate !== undefined) next.amdFalsePositiveRate = p.amdFalsePositiveRate;
      break;
    }
  }
  // The two timestamps, once both are known, are the measure (so the order of arrival
  // cannot change it); until then, the dialer's own.
  if (next.connectedAt && next.answeredAt) {
    next.answerToAgentMs = Math.max(0, next.connectedAt.getTime() - next.answeredAt.getTime());
  }
  return next;
}
