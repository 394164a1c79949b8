import { AckPolicy, DeliverPolicy, type JsMsg } from '@nats-io/jetstream';
import { EventEnvelope } from '@autotelesale/contracts';
import type { NatsBus } from '@autotelesale/messaging';
import { traceLinksFromHeaders, withSpan } from '@autotelesale/telemetry';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';

const tracer = 'reporting';

export interface BatchConsumerOptions {
  stream: string;
  durable: string;
  filterSubject: string;
  /** Redeliver a message not acknowledged in this long. */
  ackWaitMs: number;
  /** At most this many messages per batch. */
  maxBatch: number;
}

/** A delivered message, with its envelope when it is one. */
export interface Delivered {
  msg: JsMsg;
  event: EventEnvelope;
}

const IDLE = Symbol('idle');
const nextTurn = () => new Promise<typeof IDLE>((resolve) => setImmediate(() => resolve(IDLE)));

/**
 * A durable pull consumer that hands its handler every message already received, up to
 * `maxBatch` at once (one message when they trickle in, hundreds when a backlog drains),
 * so that the handler can apply a batch in one database transaction: one commit per batch
 * instead of one per event. The handler acknowledges, naks or terminates each message
 * itself. A message that is not an event envelope is terminated and reported at once.
 * No delivery limit: a message waits for as long as its handler keeps failing. Returns a
 * stop function: stops pulling, lets the batch in hand finish.
 */
export async function consumeInBatches(
  bus: NatsBus,
  options: BatchConsumerOptions,
  handle: (batch: Delivered[]) => Promise<void>,
  onBadMessage: (error: unknown, msg: JsMsg) => void,
): Promise<() => Promise<void>> {
  await bus.jsm.consumers.info(options.stream, options.durable).catch(async (error: unknown) => {
    if (!/not found/i.test(error instanceof Error ? error.message : String(error))) throw error;
    return bus.jsm.consumers.add(options.stream, {
      durable_name: options.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: options.filterSubject,
      ack_wait: options.ackWaitMs * 1_000_000,
      max_deliver: -1,
      // Enough in flight for a full batch or two; more would only wait for their ack time.
      max_ack_pending: options.maxBatch * 4,
    });
  });
  const consumer = await bus.js.consumers.get(options.stream, options.durable);
  const messages = await consumer.consume({ max_messages: options.maxBatch * 2 });
  const iterator = messages[Symbol.asyncIterator]();
  const decoder = new TextDecoder();

  const loop = (async () => {
    let next = iterator.next();
    for (;;) {
      const first = await next;
      if (first.done) return;
      const received: JsMsg[] = [first.value];
      next = iterator.next();
      let done = false;
      // Take what is already here, without waiting for more.
      while (received.length < options.maxBatch) {
        const more = await Promise.race([next, nextTurn()]);
        if (more === IDLE) break;
        if (more.done) {
          done = true;
          break;
        }
        received.push(more.value);
        next = iterator.next();
      }
      const batch: Delivered[] = [];
      for (const msg of received) {
        try {
          batch.push({ msg, event: EventEnvelope.parse(JSON.parse(decoder.decode(msg.data))) });
        } catch (error) {
          onBadMessage(error, msg);
          msg.term();
        }
      }
      // One CONSUMER span per batch, linked to each event's publisher (a batch has many parents).
      if (batch.length > 0)
        await withSpan(
          tracer,
          `${options.durable} process`,
          { 'messaging.system': 'nats', 'messaging.batch.message_count': batch.length },
          () => handle(batch),
          {
            kind: SpanKind.CONSUMER,
            parent: ROOT_CONTEXT,
            links: traceLinksFromHeaders(batch.map((d) => d.msg.headers)),
          },
        );
      if (done) return;
    }
  })();

  return async () => {
    await messages.close();
    await loop;
  };
}
