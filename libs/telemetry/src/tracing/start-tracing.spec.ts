import { execFile } from 'node:child_process';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createLogger } from '../logging/create-logger';
import { startTracing } from './start-tracing';
import { extractTraceContext, injectTraceContext, type TraceHeaders } from './trace-context';
import { withSpan } from './with-span';

const OTEL_KEYS = [
  'OTEL_SDK_DISABLED',
  'OTEL_TRACES_EXPORTER',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_SERVICE_NAME',
];

function mapHeaders(initial: Record<string, string> = {}): TraceHeaders & { values: Record<string, string> } {
  const values = { ...initial };
  return { values, get: (k) => values[k] ?? '', set: (k, v) => void (values[k] = v) };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('startTracing', () => {
  const saved = Object.fromEntries(OTEL_KEYS.map((k) => [k, process.env[k]]));
  beforeEach(() => OTEL_KEYS.forEach((k) => delete process.env[k]));
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('does nothing without OTEL_* configuration, yet passes a received trace on', async () => {
    const handle = startTracing({ serviceName: 'agent-service' });
    expect(handle).toMatchObject({
      enabled: false,
      reason: 'no trace exporter configured in OTEL_* variables',
    });
    expect(trace.getTracer('x').startSpan('s').isRecording()).toBe(false);

    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const outgoing = mapHeaders();
    const lines: string[] = [];
    const logger = createLogger({
      service: 'agent-service',
      destination: new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) }),
    });
    await withSpan(
      'agent-service',
      'handle',
      {},
      async () => {
        await new Promise((resolve) => setImmediate(resolve));
        logger.info('handling');
        injectTraceContext(outgoing);
      },
      { parent: extractTraceContext(mapHeaders({ traceparent }), ROOT_CONTEXT) },
    );
    expect(outgoing.values['traceparent']).toBe(traceparent);
    expect(JSON.parse(lines[0]!)).toMatchObject({ trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' });
    await handle.shutdown();
  });

  it.each([
    [
      { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' },
      'OTEL_SDK_DISABLED=true',
    ],
    [
      { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' },
      'OTEL_TRACES_EXPORTER=none',
    ],
  ])('stays off when told to: %j', async (env, reason) => {
    Object.assign(process.env, env);
    const handle = startTracing({ serviceName: 'agent-service' });
    expect(handle).toMatchObject({ enabled: false, reason });
    expect(trace.getTracer('x').startSpan('s').isRecording()).toBe(false);
    await handle.shutdown();
  });

  it('starts the SDK when an endpoint is set, with the service resource', async () => {
    process.env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] = `http://127.0.0.1:${await closedPort()}/v1/traces`;
    const handle = startTracing({ serviceName: 'dialer-service', serviceVersion: '0.1.0' });
    expect(handle).toMatchObject({ enabled: true, reason: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set' });
    const span = trace.getTracer('test').startSpan('work');
    expect(span.isRecording()).toBe(true);
    const { attributes } = (span as unknown as ReadableSpan).resource;
    expect(attributes).toMatchObject({ 'service.name': 'dialer-service', 'service.version': '0.1.0' });
    expect(typeof attributes['service.instance.id']).toBe('string');
    // Not ended: the OTLP exporter cannot run inside jest's VM; the real export is tested
    // in a child process below.
    await handle.shutdown();
    await handle.shutdown();
  });

  it('lets OTEL_SERVICE_NAME rename the service', async () => {
    process.env['OTEL_TRACES_EXPORTER'] = 'console';
    process.env['OTEL_SERVICE_NAME'] = 'dialer-canary';
    const handle = startTracing({ serviceName: 'dialer-service' });
    const span = trace.getTracer('test').startSpan('work');
    expect((span as unknown as ReadableSpan).resource.attributes['service.name']).toBe('dialer-canary');
    await handle.shutdown();
  });

  describe('in a plain Node process', () => {
    const fixture = join(__dirname, 'fixtures', 'export-one-span.cjs');
    const run = (env: Record<string, string>) =>
      new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>((resolve) => {
        const started = Date.now();
        const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
        execFile(
          process.execPath,
          [fixture],
          { env: { ...clean, ...env }, timeout: 20_000 },
          (error, stdout, stderr) =>
            resolve({
              code: error ? ((error as { code?: number }).code ?? 1) : 0,
              stdout,
              stderr,
              ms: Date.now() - started,
            }),
        );
      });

    it('exports spans over OTLP to the configured endpoint, masked', async () => {
      const bodies: Array<{ url: string; body: string }> = [];
      const collector = createHttpServer((req: IncomingMessage, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          bodies.push({ url: req.url ?? '', body });
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
      });
      await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
      const { port } = collector.address() as { port: number };
      try {
        const result = await run({
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        });
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        expect(result.stdout).toContain('{"enabled":true}');
        expect(bodies.map((b) => b.url)).toEqual(['/v1/traces']);
        const body = bodies[0]!.body;
        expect(body).toContain('"exported span"');
        expect(body).toContain('{"key":"service.name","value":{"stringValue":"fixture-service"}}');
        expect(body).toContain('sofia/gateway/carrier/*******133');
        expect(body).not.toContain('0961166133');
      } finally {
        await new Promise((resolve) => collector.close(resolve));
      }
    }, 30_000);

    it('shuts down promptly when no collector answers, reporting the failure to the logger', async () => {
      const result = await run({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${await closedPort()}/v1/traces`,
        OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '1000',
      });
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toContain('{"enabled":true}');
      expect(result.stdout).toMatch(
        /"level":"warn".*"code":"ECONNREFUSED".*"msg":"tracing shutdown could not export the last spans"/,
      );
      expect(result.ms).toBeLessThan(10_000);
    }, 30_000);

    it('starts nothing and contacts nothing when unconfigured', async () => {
      const result = await run({});
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout.trim()).toBe('{"enabled":false}');
    }, 30_000);
  });
});
