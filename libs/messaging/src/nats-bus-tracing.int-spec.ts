import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  AtsError,
  createEvent,
  createTopology,
  defineEvent,
  defineRpc,
  type EventEnvelope,
} from '@autotelesale/contracts';
import { withSpan } from '@autotelesale/telemetry';
import { deleteNamespaceStreams, ensureNats, expectEventually, testNamespace } from '@autotelesale/testing';
import { NatsBus } from './nats-bus';
import type { ConsumeObservation, PublishObservation, RequestObservation } from './nats-bus-observer';

const namespace = testNamespace();
const topology = createTopology(namespace);
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let natsUrl: string;
/** Two processes' buses: the caller (gateway) and the service (campaign). */
let caller: NatsBus;
let callee: NatsBus;

const echo = defineRpc(
  'campaign',
  'test.traced',
  z.object({ text: z.string().min(1) }),
  z.object({ text: z.string() }),
);
const Pinged = defineEvent('test.tracedPing', 1, z.object({ n: z.number().int() }));

const spansOf = (scope: string): ReadableSpan[] =>
  exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === scope);

beforeAll(async () => {
  provider.register();
  natsUrl = await ensureNats();
  caller = await NatsBus.connect({ servers: natsUrl, name: 'trace-caller', topology, service: 'gateway' });
  callee = await NatsBus.connect({ servers: natsUrl, name: 'trace-callee', topology, service: 'campaign' });
  await callee.ensureStreams();
  callee.serve(echo, async ({ text }) => {
    if (text === 'missing') throw new AtsError('NOT_FOUND', 'no such thing');
    return { text: text.toUpperCase() };
  });
});

afterEach(() => exporter.reset());

afterAll(async () => {
  await caller.drain();
  await callee.drain();
  await deleteNamespaceStreams(natsUrl, namespace);
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('trace context over NATS', () => {
  it('continues the caller trace in the request handler (request/reply headers)', async () => {
    const traceId = await withSpan('test', 'REST request', {}, async (span) => {
      await caller.request(echo, { text: 'hi' });
      return span.spanContext().traceId;
    });
    await expectEventually(() => expect(spansOf('campaign')).toHaveLength(1));
    const client = spansOf('gateway').find((s) => s.name === 'test.traced request')!;
    const server = spansOf('campaign').find((s) => s.name === 'test.traced handle')!;
    expect(client.kind).toBe(SpanKind.CLIENT);
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(client.spanContext().traceId).toBe(traceId);
    expect(server.spanContext().traceId).toBe(traceId);
    expect(server.parentSpanContext?.spanId).toBe(client.spanContext().spanId);
    expect(server.attributes).toMatchObject({ 'messaging.system': 'nats' });
    expect(Object.values(server.attributes)).toContain('test.traced');
  });

  it('marks a refused request as an error on both sides, with its code', async () => {
    await expect(caller.request(echo, { text: 'missing' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expectEventually(() => expect(spansOf('campaign')).toHaveLength(1));
    expect(spansOf('gateway')[0]!.attributes['error.type']).toBe('NOT_FOUND');
    expect(spansOf('campaign')[0]!.attributes['error.type']).toBe('NOT_FOUND');
  });

  it("continues the publisher's trace in a JetStream consumer, even one opened inside another trace", async () => {
    const received: EventEnvelope[] = [];
    const innerTraceIds: string[] = [];
    // Opened inside an unrelated span: messages must not become that span's children.
    const stop = await withSpan('test', 'start-up', {}, () =>
      callee.consume(
        {
          stream: topology.streams.calls.name,
          durable: topology.consumers.durable('campaign', `traced${randomUUID().slice(0, 8)}`),
          filterSubject: topology.events.allCalls,
          deliverPolicy: 'new',
        },
        async (event) => {
          innerTraceIds.push(trace.getActiveSpan()?.spanContext().traceId ?? 'none');
          received.push(event);
        },
      ),
    );
    const event = createEvent(Pinged, {
      aggregateId: 'call-1',
      aggregateVersion: 1,
      producer: 'test',
      payload: { n: 1 },
    });
    const published = await withSpan('test', 'pacing decision', {}, async (span) => {
      await caller.publishEvent(topology.events.call(randomUUID()), event);
      return span.spanContext();
    });
    await expectEventually(() => expect(received).toHaveLength(1));
    await stop();
    await expectEventually(() =>
      expect(spansOf('campaign').some((s) => s.name.endsWith(' process'))).toBe(true),
    );
    const producer = spansOf('gateway').find((s) => s.name === 'test.tracedPing publish')!;
    const consumer = spansOf('campaign').find((s) => s.name === 'test.tracedPing process')!;
    expect(producer.kind).toBe(SpanKind.PRODUCER);
    expect(consumer.kind).toBe(SpanKind.CONSUMER);
    expect(producer.spanContext().traceId).toBe(published.traceId);
    expect(consumer.spanContext().traceId).toBe(published.traceId);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(innerTraceIds).toEqual([published.traceId]);
  });
});

describe('observers', () => {
  it('hear of requests, handlers, publishes and consumed events, with codes and never ids', async () => {
    const requests: RequestObservation[] = [];
    const handled: RequestObservation[] = [];
    const published: PublishObservation[] = [];
    const consumed: ConsumeObservation[] = [];
    const stopCaller = caller.observe({
      requestFinished: (o) => requests.push(o),
      published: (o) => published.push(o),
    });
    const stopCallee = callee.observe({
      handled: (o) => handled.push(o),
      consumed: (o) => consumed.push(o),
      // A broken observer must not break the bus.
      requestFinished: () => {
        throw new Error('observer bug');
      },
    });
    await caller.request(echo, { text: 'ok' });
    await expect(caller.request(echo, { text: 'missing' })).rejects.toThrow();
    await expectEventually(() => expect(handled).toHaveLength(2));
    expect(requests.map((r) => [r.rpc, r.outcome])).toEqual([
      ['test.traced', 'ok'],
      ['test.traced', 'NOT_FOUND'],
    ]);
    expect(handled.map((r) => r.outcome)).toEqual(['ok', 'NOT_FOUND']);
    expect(requests.every((r) => r.seconds > 0 && r.seconds < 5)).toBe(true);

    const durable = topology.consumers.durable('campaign', `observed${randomUUID().slice(0, 8)}`);
    const stop = await callee.consume(
      {
        stream: topology.streams.calls.name,
        durable,
        filterSubject: topology.events.allCalls,
        deliverPolicy: 'new',
      },
      async () => undefined,
    );
    const event = createEvent(Pinged, {
      aggregateId: 'c',
      aggregateVersion: 1,
      producer: 't',
      payload: { n: 2 },
    });
    await caller.publishEvent(topology.events.call(randomUUID()), event);
    await expectEventually(() => expect(consumed).toHaveLength(1));
    await stop();
    expect(published).toEqual([{ type: 'test.tracedPing', duplicate: false, event }]);
    expect(consumed[0]).toMatchObject({ durable, type: 'test.tracedPing', result: 'ack' });
    stopCaller();
    stopCallee();
  });
});
