import { Logger } from '@nestjs/common';
import { DeliverPolicy, type ConsumerMessages } from '@nats-io/jetstream';
import {
  EventEnvelope,
  callAgentConnectedEvent,
  callEndedEvent,
  campaignEvents,
  campaignRpcs,
  parseEvent,
} from '@autotelesale/contracts';
import type { NatsBus } from '@autotelesale/messaging';
import { requireAgentAccess } from '../auth/access.util';
import type { Principal } from '../auth/principal';
import { contactMessage } from './grpc-handlers';
import { toStruct } from './struct.util';

/** What a server-streaming call needs from grpc-js: write with back-pressure, and cancellation. */
export interface StreamSink {
  write(message: unknown): boolean;
  once(event: 'drain' | 'cancelled' | 'close', listener: () => void): unknown;
  readonly cancelled: boolean;
}

/**
 * Feeds a gRPC server stream from a JetStream stream through an ordered (ephemeral)
 * consumer: no durable state is left behind per client, a client may resume after the
 * last sequence it saw, and a slow client slows the consumer (the next message is read
 * only when the socket has room) instead of growing memory.
 */
async function pump(
  bus: NatsBus,
  sink: StreamSink,
  source: { stream: string; filter: string; afterSequence?: number },
  toMessage: (event: EventEnvelope, sequence: number) => Promise<unknown | undefined>,
  track: (stop: () => Promise<void>) => () => void,
): Promise<void> {
  const consumer = await bus.js.consumers.get(source.stream, {
    // One subject as a string: nats-server before 2.10 knows only filter_subject.
    filter_subjects: source.filter,
    ...(source.afterSequence !== undefined
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: source.afterSequence + 1 }
      : { deliver_policy: DeliverPolicy.New }),
  });
  const messages: ConsumerMessages = await consumer.consume({ max_messages: 64 });
  const stop = async () => {
    await messages.close();
  };
  const untrack = track(stop);
  sink.once('cancelled', () => void stop());
  sink.once('close', () => void stop());
  if (sink.cancelled) await stop();
  try {
    for await (const msg of messages) {
      let event: EventEnvelope;
      try {
        event = EventEnvelope.parse(msg.json());
      } catch {
        continue; // not ours to judge here: the producer's consumers report bad envelopes
      }
      const out = await toMessage(event, msg.seq);
      if (out === undefined) continue;
      if (!sink.write(out)) await new Promise<void>((resolve) => sink.once('drain', resolve));
    }
  } finally {
    untrack();
  }
}

export function eventStreams(
  bus: NatsBus,
  track: (stop: () => Promise<void>) => () => void,
  logger = new Logger('EventStreams'),
) {
  const topology = bus.topology;

  /** Outcomes recorded and dispositions, from the campaigns stream, for one campaign or all. */
  async function watchCallResults(
    request: { campaignId?: string; afterSequence?: number },
    _principal: Principal,
    sink: StreamSink,
  ): Promise<void> {
    await pump(
      bus,
      sink,
      {
        stream: topology.streams.campaigns.name,
        filter: request.campaignId
          ? topology.events.campaign(request.campaignId)
          : topology.events.allCampaigns,
        afterSequence: request.afterSequence,
      },
      async (event, sequence) => {
        if (event.type === campaignEvents.contactOutcomeRecorded.type) {
          const { payload } = parseEvent(campaignEvents.contactOutcomeRecorded, event);
          return {
            sequence,
            eventId: event.id,
            kind: 'outcome',
            campaignId: payload.campaignId,
            contactId: payload.contactId,
            callId: payload.callId ?? undefined,
            attemptId: payload.attemptId,
            outcome: payload.outcome,
            occurredAt: payload.occurredAt,
            document: toStruct(payload),
          };
        }
        if (event.type === campaignEvents.dispositionRecorded.type) {
          const { disposition } = parseEvent(campaignEvents.dispositionRecorded, event).payload;
          return {
            sequence,
            eventId: event.id,
            kind: 'disposition',
            campaignId: disposition.campaignId,
            contactId: disposition.contactId,
            callId: disposition.callId,
            agentId: disposition.agentId,
            dispositionCode: disposition.code,
            occurredAt: disposition.recordedAt,
            document: toStruct(disposition),
          };
        }
        return undefined;
      },
      track,
    );
  }

  /** Call records (`call.ended`) from the calls stream, for one campaign or all. */
  async function watchCallRecords(
    request: { campaignId?: string; afterSequence?: number },
    _principal: Principal,
    sink: StreamSink,
  ): Promise<void> {
    await pump(
      bus,
      sink,
      {
        stream: topology.streams.calls.name,
        filter: topology.events.allCalls,
        afterSequence: request.afterSequence,
      },
      async (event, sequence) => {
        if (event.type !== callEndedEvent.type) return undefined;
        const { payload } = parseEvent(callEndedEvent, event);
        if (request.campaignId && payload.campaignId !== request.campaignId) return undefined;
        return { sequence, eventId: event.id, ...payload };
      },
      track,
    );
  }

  /** Customers connected to agents, from the calls stream, with the contact read from campaign-service. */
  async function watchScreenPops(
    request: { agentId?: string; afterSequence?: number },
    principal: Principal,
    sink: StreamSink,
  ): Promise<void> {
    const agentId = principal.role === 'agent' ? (request.agentId ?? principal.agentId!) : request.agentId;
    if (principal.role === 'agent') requireAgentAccess(principal, [agentId!]);
    await pump(
      bus,
      sink,
      {
        stream: topology.streams.calls.name,
        filter: topology.events.allCalls,
        afterSequence: request.afterSequence,
      },
      async (event, sequence) => {
        if (event.type !== callAgentConnectedEvent.type) return undefined;
        const { payload } = parseEvent(callAgentConnectedEvent, event);
        if (agentId && payload.agentId !== agentId) return undefined;
        const contact = await bus
          .request(campaignRpcs.getContact, { contactId: payload.contactId }, { timeoutMs: 2_000 })
          .catch((error: unknown) => {
            // The pop still goes out, with what the call event knows.
            logger.warn({ contactId: payload.contactId, err: String(error) }, 'screen-pop without contact');
            return undefined;
          });
        return {
          sequence,
          eventId: event.id,
          ...payload,
          contact: contact ? contactMessage(contact) : undefined,
        };
      },
      track,
    );
  }

  return { watchCallResults, watchCallRecords, watchScreenPops };
}
