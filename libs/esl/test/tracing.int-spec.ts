/** One span per ESL command, in the caller's trace, with no phone number in it. */
import { randomUUID } from 'node:crypto';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { containsPhoneNumber, withSpan } from '@autotelesale/telemetry';
import { EslClient } from '../src/index';
import { gw, NUMBERS, PASSWORD, startTestSim, type FsSimProcess } from './test-sim';

describe('ESL command spans', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let sim: FsSimProcess;
  let client: EslClient;

  beforeAll(async () => {
    provider.register();
    sim = await startTestSim();
    client = new EslClient({ host: '127.0.0.1', port: sim.nodes[0]!.port, password: PASSWORD, name: 'fs1' });
    await client.connect();
  });
  afterEach(() => exporter.reset());
  afterAll(async () => {
    await client?.close();
    await sim?.stop();
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('records an originate as one bgapi span, a child of the pacing decision, without the dialed number', async () => {
    const traceId = await withSpan('dialer', 'pacing decision', {}, async (span) => {
      const result = await client.originate({ uuid: randomUUID(), endpoint: gw(NUMBERS.busy) });
      expect(result.ok).toBe(false);
      return span.spanContext().traceId;
    });
    const spans = exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === 'esl');
    expect(spans.map((s) => s.name)).toEqual(['esl bgapi originate']);
    const [span] = spans;
    expect(span!.kind).toBe(SpanKind.CLIENT);
    expect(span!.spanContext().traceId).toBe(traceId);
    expect(span!.attributes).toEqual({ 'esl.node': 'fs1', 'esl.command': 'originate', 'esl.kind': 'bgapi' });
    expect(containsPhoneNumber(JSON.stringify({ name: span!.name, attributes: span!.attributes }))).toBe(
      false,
    );
  });

  it('marks a failed command with its stable code', async () => {
    expect(await client.api('status')).toMatch(/^UP /);
    const closed = new EslClient({
      host: '127.0.0.1',
      port: sim.nodes[0]!.port,
      password: PASSWORD,
      name: 'fs9',
    });
    await closed.close();
    await expect(closed.api('status')).rejects.toMatchObject({ code: 'ESL_CLOSED' });
    const [ok, failed] = exporter.getFinishedSpans().filter((s) => s.name === 'esl api status');
    expect(ok!.status.code).toBe(SpanStatusCode.UNSET);
    expect(failed!.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed!.attributes).toMatchObject({ 'esl.node': 'fs9', 'error.type': 'ESL_CLOSED' });
  });
});
