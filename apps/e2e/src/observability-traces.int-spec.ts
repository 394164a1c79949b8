import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { StackUnderTest } from '@autotelesale/service-testing';
import { expectEventually } from '@autotelesale/testing';
import type { Caller } from './gateway-app';
import { ADMIN, ALWAYS_OPEN, gatewayApi, login, startGatewayStack, type Api } from './gateway-fixtures';

/**
 * One REST call followed across services: the services run in this process, so one
 * in-memory exporter sees the spans of all of them, told apart by their tracer (the
 * service name). Tracing is off in the services' configuration (no OTEL_* variable): the
 * provider registered here stands for the SDK that OTEL_TRACES_EXPORTER would start.
 */
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let stack: StackUnderTest;
let api: Api;
let admin: Caller;

beforeAll(async () => {
  provider.register();
  stack = await startGatewayStack();
  api = gatewayApi(stack);
  admin = await login(api, ADMIN.email, ADMIN.password);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

const spansIn = (traceId: string): ReadableSpan[] =>
  exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
const describeSpan = (s: ReadableSpan) => `${s.instrumentationScope.name}: ${s.name} (${SpanKind[s.kind]})`;

it('follows a REST call from the gateway to campaign-service in one trace, continuing the caller', async () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const callerSpanId = '00f067aa0ba902b7';
  exporter.reset();
  const created = await api('POST', '/api/v1/campaigns', {
    as: admin,
    body: { name: 'Traced', mode: 'progressive', callingHours: ALWAYS_OPEN, wrapUpSeconds: 0 },
    headers: { traceparent: `00-${traceId}-${callerSpanId}-01` },
  });
  expect(created.status).toBe(201);
  await expectEventually(() =>
    expect(
      spansIn(traceId).some((s) => s.instrumentationScope.name === 'gateway' && s.kind === SpanKind.SERVER),
    ).toBe(true),
  );
  const spans = spansIn(traceId);
  const http = spans.find((s) => s.name === 'POST /api/v1/campaigns')!;
  const client = spans.find((s) => s.name === 'campaign.create request')!;
  const server = spans.find((s) => s.name === 'campaign.create handle')!;
  expect(spans.map(describeSpan)).toEqual(
    expect.arrayContaining([
      'gateway: POST /api/v1/campaigns (SERVER)',
      'gateway: campaign.create request (CLIENT)',
      'campaign: campaign.create handle (SERVER)',
    ]),
  );
  // The chain: the caller's span -> the gateway's HTTP span -> its NATS request -> campaign-service.
  expect(http.parentSpanContext?.spanId).toBe(callerSpanId);
  expect(client.parentSpanContext?.spanId).toBe(http.spanContext().spanId);
  expect(server.parentSpanContext?.spanId).toBe(client.spanContext().spanId);
  expect(http.attributes).toMatchObject({
    'http.route': '/api/v1/campaigns',
    'http.response.status_code': 201,
  });
});

it('starts a new trace for a call without traceparent, and leaves probes and scrapes untraced', async () => {
  exporter.reset();
  const listed = await api('GET', '/api/v1/campaigns?limit=1', { as: admin });
  expect(listed.status).toBe(200);
  await api('GET', '/health/ready');
  await api('GET', '/metrics');
  await expectEventually(() =>
    expect(exporter.getFinishedSpans().some((s) => s.name === 'GET /api/v1/campaigns')).toBe(true),
  );
  const http = exporter.getFinishedSpans().find((s) => s.name === 'GET /api/v1/campaigns')!;
  expect(http.parentSpanContext).toBeUndefined();
  const downstream = spansIn(http.spanContext().traceId).filter(
    (s) => s.instrumentationScope.name === 'campaign',
  );
  expect(downstream.length).toBeGreaterThan(0);
  expect(
    exporter
      .getFinishedSpans()
      .filter((s) => /health|metrics/.test(s.name))
      .map(describeSpan),
  ).toEqual([]);
});
