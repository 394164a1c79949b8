import { Writable } from 'node:stream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { AtsError } from '@autotelesale/contracts';
import { createLogger } from '../logging/create-logger';
import {
  extractTraceContext,
  injectTraceContext,
  traceLinksFromHeaders,
  type TraceHeaders,
} from './trace-context';
import { withSpan } from './with-span';

/** A header map over a plain object, the other shape a carrier can take. */
function recordHeaders(): TraceHeaders & { values: Record<string, string> } {
  const values: Record<string, string> = {};
  return {
    values,
    get: (k) => values[k] ?? '',
    set: (k, v) => void (values[k] = v),
    keys: () => Object.keys(values),
  };
}

describe('trace context across NATS headers, and withSpan', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

  beforeAll(() => provider.register());
  afterEach(() => exporter.reset());
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('continues the publisher trace in the consumer, through real NATS MsgHdrs', async () => {
    // dialer-service publishes a call event with the trace in its headers
    const headers = natsHeaders();
    const published = await withSpan(
      'dialer-service',
      'publish call.answered',
      { 'messaging.system': 'nats' },
      async (span) => {
        await new Promise((resolve) => setImmediate(resolve));
        injectTraceContext(headers);
        return span.spanContext();
      },
      { kind: SpanKind.PRODUCER },
    );
    expect(headers.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    // agent-service consumes it, with nothing active on its side
    const consumed = context.with(ROOT_CONTEXT, () =>
      withSpan('agent-service', 'consume call.answered', {}, (span) => span.spanContext(), {
        kind: SpanKind.CONSUMER,
        parent: extractTraceContext(headers),
      }),
    );

    expect(consumed.traceId).toBe(published.traceId);
    const spans = exporter.getFinishedSpans();
    const consumer = spans.find((s) => s.name === 'consume call.answered')!;
    expect(consumer.parentSpanContext?.spanId).toBe(published.spanId);
    expect(consumer.parentSpanContext?.isRemote).toBe(true);
    expect(consumer.instrumentationScope.name).toBe('agent-service');
    expect(spans.find((s) => s.name === 'publish call.answered')!.kind).toBe(SpanKind.PRODUCER);
  });

  it('works with any header map, and carries baggage', () => {
    const headers = recordHeaders();
    const withBaggage = propagation.setBaggage(
      ROOT_CONTEXT,
      propagation.createBaggage({ campaign: { value: 'c-1' } }),
    );
    context.with(withBaggage, () => withSpan('a', 'send', {}, () => injectTraceContext(headers)));
    expect(Object.keys(headers.values).sort()).toEqual(['baggage', 'traceparent']);
    const extracted = extractTraceContext(headers, ROOT_CONTEXT);
    expect(propagation.getBaggage(extracted)?.getEntry('campaign')?.value).toBe('c-1');
    expect(trace.getSpanContext(extracted)?.traceId).toBe(
      exporter.getFinishedSpans()[0]!.spanContext().traceId,
    );
  });

  it('starts a new root when the headers carry no trace', () => {
    const headers = natsHeaders();
    const parent = extractTraceContext(headers, ROOT_CONTEXT);
    expect(trace.getSpanContext(parent)).toBeUndefined();
    withSpan('b', 'orphan', {}, () => undefined, { parent });
    expect(exporter.getFinishedSpans()[0]!.parentSpanContext).toBeUndefined();
  });

  it('marks a thrown error: exception event, ERROR status, error.type from the stable code', () => {
    const failing = () =>
      withSpan(
        'dialer-service',
        'originate',
        { 'call.destination': 'sofia/gateway/carrier/0961166133' },
        () => {
          throw new AtsError('UNAVAILABLE', 'originate to 0961166133 failed');
        },
      );
    expect(failing).toThrow('originate to 0961166133 failed');
    const [span] = exporter.getFinishedSpans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'originate to *******133 failed' });
    expect(span!.attributes['error.type']).toBe('UNAVAILABLE');
    expect(span!.attributes['call.destination']).toBe('sofia/gateway/carrier/*******133');
    const event = span!.events.find((e) => e.name === 'exception')!;
    expect(event.attributes?.['exception.message']).toBe('originate to *******133 failed');
    expect(event.attributes?.['exception.type']).toBe('AtsError');
    expect(JSON.stringify(span!.events)).not.toContain('0961166133');
    expect(span!.ended).toBe(true);
  });

  it('marks a rejected promise and passes the rejection on unchanged', async () => {
    const error = new Error('timeout');
    await expect(withSpan('x', 'async work', {}, () => Promise.reject(error))).rejects.toBe(error);
    const [span] = exporter.getFinishedSpans();
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes['error.type']).toBe('Error');
    expect(span!.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('leaves a successful span UNSET and returns the value, sync or async', async () => {
    expect(withSpan('x', 'sync', {}, () => 42)).toBe(42);
    await expect(withSpan('x', 'async', {}, async () => 'ok')).resolves.toBe('ok');
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => [s.name, s.status.code])).toEqual([
      ['sync', SpanStatusCode.UNSET],
      ['async', SpanStatusCode.UNSET],
    ]);
  });

  it('nests spans and stamps log lines with the active trace and span ids', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ service: 'dialer-service', level: 'info', destination });
    const ids = await withSpan('x', 'outer', {}, async (outer) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const inner = withSpan('x', 'inner', {}, (span) => {
        logger.info('inside');
        return span.spanContext();
      });
      return { outer: outer.spanContext(), inner };
    });
    logger.info('outside');
    const [inside, outside] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(inside).toMatchObject({ trace_id: ids.outer.traceId, span_id: ids.inner.spanId });
    expect(outside!['trace_id']).toBeUndefined();
    const inner = exporter.getFinishedSpans().find((s) => s.name === 'inner')!;
    expect(inner.parentSpanContext?.spanId).toBe(ids.outer.spanId);
  });
});

describe('traceLinksFromHeaders', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  beforeAll(() => provider.register());
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('links a batch span to the publisher of each message that carried a trace', () => {
    const sent = [natsHeaders(), natsHeaders(), natsHeaders()];
    const publishers = sent.slice(0, 2).map((h, i) =>
      withSpan('dialer-service', `publish ${i}`, {}, (span) => {
        injectTraceContext(h);
        return span.spanContext();
      }),
    );
    const links = traceLinksFromHeaders([...sent, undefined]);
    expect(links.map((l) => l.context.spanId)).toEqual(publishers.map((p) => p.spanId));
    context.with(ROOT_CONTEXT, () =>
      withSpan('reporting-service', 'process batch', {}, () => undefined, { kind: SpanKind.CONSUMER, links }),
    );
    const batch = exporter.getFinishedSpans().find((s) => s.name === 'process batch')!;
    expect(batch.links.map((l) => l.context.traceId)).toEqual(publishers.map((p) => p.traceId));
    expect(batch.parentSpanContext).toBeUndefined();
  });
});
