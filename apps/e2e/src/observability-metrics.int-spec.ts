import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { EventEnvelope, ServiceName } from '@autotelesale/contracts';
import { startStackForTest, type StackUnderTest } from '@autotelesale/service-testing';
import {
  containsPhoneNumber,
  exportedMetricNames,
  exposedLabelValues,
  metricNamesInPromQL,
} from '@autotelesale/telemetry';
import { waitFor } from '@autotelesale/testing';
import {
  AGENT_SEATS,
  collectCallEvents,
  createAgents,
  createRunningCampaign,
  ofType,
  phoneEnding,
  scenario,
} from './dialer-fixtures';
import { WHOLE_STACK } from './stack';
import {
  fsSimOf,
  FS_SIM_TIME_SCALE,
  itFsSimOnly,
  startSwitchUnderTest,
  switchMs,
  type SwitchUnderTest,
} from './switch-under-test';

/**
 * The whole stack after a real call flow (on fs-sim or the switch ATS_E2E_FS_NODES names):
 * what each service exports on /metrics
 * carries no phone number, every metric a Grafana dashboard queries is one a service
 * defines, and the dialer's probes follow its FreeSWITCH node.
 */

const DASHBOARDS_DIR = join(__dirname, '..', '..', '..', 'deploy', 'grafana');
const EXTENSIONS = AGENT_SEATS.slice(0, 2);
let fs: SwitchUnderTest;
let stack: StackUnderTest;
let phones: string[];
let callEvents: EventEnvelope[];
/** Spans of every service in this process (the stand-in for OTEL_TRACES_EXPORTER). */
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

const port = (service: ServiceName) => stack.services[service]!.httpPort;
const get = (service: ServiceName, path: string) => fetch(`http://127.0.0.1:${port(service)}${path}`);
const scrape = async (service: ServiceName) => {
  const response = await get(service, '/metrics');
  expect(response.status).toBe(200);
  return response.text();
};
const SERVICES: ServiceName[] = ['campaign', 'agent', 'reporting', 'dialer', 'gateway'];

beforeAll(async () => {
  provider.register();
  fs = await startSwitchUnderTest({
    nodes: 1,
    scenario: scenario(EXTENSIONS),
    timeScale: FS_SIM_TIME_SCALE,
    heartbeatMs: 500,
  });
  stack = await startStackForTest(WHOLE_STACK, {
    ATS_FS_NODES: fs.nodesEnv,
    // fs-sim beats every 500 ms; FreeSWITCH at the period the shipped overlay and the dialer's default agree on.
    ...(fs.external ? {} : { ATS_FS_HEARTBEAT_MS: '500' }),
    ATS_DIALER_ID: 'dialer-observability',
    ATS_GRPC_PORT: '0',
    ATS_ADMIN_EMAIL: 'admin@example.test',
    ATS_ADMIN_PASSWORD: 'first-admin-password',
    ATS_TOKEN_SECRET: 'e2e-secret-long-enough-for-hmac-signing',
  });
  // One progressive campaign: answered, busy and unanswered customers, two agents.
  const calls = collectCallEvents(stack.bus);
  const agents = await createAgents(stack.bus, EXTENSIONS);
  phones = ['01', '03', '04', '01'].map(phoneEnding);
  const campaign = await createRunningCampaign(
    stack.bus,
    {
      mode: 'progressive',
      agents: agents.map((agentId) => ({ agentId })),
      pacing: { ringTimeoutSeconds: 15 },
    },
    phones,
  );
  await waitFor(
    () =>
      ofType(calls.events, 'call.ended').filter((e) => e['campaignId'] === campaign.id).length >=
      phones.length,
    {
      timeoutMs: switchMs(60_000),
      description: 'every call of the campaign ended',
    },
  );
  calls.stop();
  callEvents = calls.events;
}, switchMs(120_000));

afterAll(async () => {
  await stack?.stop();
  await fs?.stop();
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('metrics', () => {
  it('counts the call flow in the dialer, per campaign, under Prometheus names', async () => {
    const dialer = await scrape('dialer');
    expect(dialer).toMatch(/^autotelesale_dialer_dials_total\{[^}]*mode="progressive"[^}]*\} 4$/m);
    expect(dialer).toMatch(/^autotelesale_dialer_calls_total\{[^}]*outcome="answered"[^}]*\} 2$/m);
    expect(dialer).toMatch(/^autotelesale_dialer_agent_connects_total\{[^}]*\} 2$/m);
    expect(dialer).toMatch(/^autotelesale_dialer_answer_to_agent_seconds_count\{[^}]*\} 2$/m);
    expect(dialer).toMatch(/^autotelesale_dialer_esl_connected\{[^}]*node="fs1"[^}]*\} 1$/m);
    expect(dialer).toMatch(
      /^autotelesale_dialer_esl_event_lag_seconds_count\{[^}]*node="fs1"[^}]*\} [1-9]\d*$/m,
    );
    expect(dialer).toMatch(
      /^autotelesale_nats_request_duration_seconds_count\{[^}]*rpc="contact\.lease"[^}]*outcome="ok"[^}]*\} [1-9]/m,
    );
    const campaign = await scrape('campaign');
    expect(campaign).toMatch(
      /^autotelesale_nats_handler_duration_seconds_count\{[^}]*rpc="contact\.lease"[^}]*\} [1-9]/m,
    );
    // reporting's durable consumers, polled from JetStream
    const reporting = await scrape('reporting');
    expect(reporting).toMatch(
      /^autotelesale_nats_consumer_pending_messages\{[^}]*consumer="\w+_reporting_\w+"[^}]*\} \d+$/m,
    );
    const gateway = await scrape('gateway');
    expect(gateway).toMatch(/^autotelesale_dependency_up\{[^}]*dependency="postgres"[^}]*\} 1$/m);
  });

  it('never exposes a phone number in a label value, in any service', async () => {
    const leaks: string[] = [];
    const digits = phones.map((p) => p.replace(/\D/g, ''));
    for (const service of SERVICES) {
      const text = await scrape(service);
      for (const { metric, label, value } of exposedLabelValues(text))
        if (containsPhoneNumber(value)) leaks.push(`${service} ${metric}{${label}}`);
      for (const d of digits) if (text.includes(d)) leaks.push(`${service}: a dialed number`);
    }
    expect(leaks).toEqual([]);
  });

  it('defines every metric that a Grafana dashboard queries', async () => {
    const exported = new Set<string>();
    for (const service of SERVICES)
      for (const name of exportedMetricNames(await scrape(service))) exported.add(name);
    const files = readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(['agents.json', 'campaigns.json', 'system.json']);
    const missing: string[] = [];
    let queried = 0;
    for (const file of files) {
      for (const expr of promqlOf(JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')))) {
        for (const name of metricNamesInPromQL(expr)) {
          queried++;
          if (!exported.has(name)) missing.push(`${file}: ${name}`);
        }
      }
    }
    expect(queried).toBeGreaterThan(40);
    expect(missing).toEqual([]);
  });
});

describe('traces', () => {
  it('follows one answered call from the pacing decision to its recorded outcome in one trace', async () => {
    const connected = ofType(callEvents, 'call.agentConnected')[0]!;
    const callId = connected['callId'] as string;
    const ended = (s: ReadableSpan) =>
      s.name === 'call.ended publish' && String(s.attributes['messaging.destination.name']).endsWith(callId);
    await waitFor(() => exporter.getFinishedSpans().some(ended), { description: 'call.ended span' });
    const traceId = exporter.getFinishedSpans().find(ended)!.spanContext().traceId;
    const names = exporter
      .getFinishedSpans()
      .filter((s) => s.spanContext().traceId === traceId)
      .map((s) => `${s.instrumentationScope.name}: ${s.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'dialer: pacing tick',
        'dialer: contact.lease request',
        'campaign: contact.lease handle',
        'dialer: call.dialed publish',
        'esl: esl bgapi originate',
        'dialer: call.answered publish',
        'esl: esl api uuid_bridge',
        'dialer: call.agentConnected publish',
        'dialer: call.ended publish',
      ]),
    );
    // The outcome goes in a batch of a few milliseconds' outcomes: its request is in this
    // trace (the first of its batch) or links to it, and campaign-service handles it there.
    const outcomeRequest = exporter
      .getFinishedSpans()
      .find(
        (s) =>
          s.name === 'contact.recordOutcomes request' &&
          (s.spanContext().traceId === traceId || s.links.some((l) => l.context.traceId === traceId)),
      );
    expect(outcomeRequest).toBeDefined();
    expect(
      exporter
        .getFinishedSpans()
        .filter((s) => s.spanContext().traceId === outcomeRequest!.spanContext().traceId)
        .map((s) => `${s.instrumentationScope.name}: ${s.name}`),
    ).toContain('campaign: contact.recordOutcomes handle');
    // reporting-service applies the call.ended event in a batch span linked to its publisher.
    const publisher = exporter.getFinishedSpans().find(ended)!.spanContext().spanId;
    await waitFor(
      () =>
        exporter
          .getFinishedSpans()
          .some(
            (s) =>
              s.instrumentationScope.name === 'reporting' &&
              s.links.some((l) => l.context.spanId === publisher),
          ),
      { description: 'a reporting batch span linked to call.ended' },
    );
    // No phone number in any span name or attribute of any service.
    const leaks = exporter
      .getFinishedSpans()
      .filter((s) => containsPhoneNumber(JSON.stringify([s.name, s.attributes])))
      .map((s) => s.name);
    expect(leaks).toEqual([]);
  });
});

describe('health', () => {
  // Cuts the dialer's ESL connection through fs-sim's control API.
  itFsSimOnly(
    "turns the dialer's readiness off while no FreeSWITCH node is usable, and keeps it alive",
    async () => {
      expect((await get('dialer', '/health/ready')).status).toBe(200);
      await fsSimOf(fs).control('/nodes/0/esl/cut');
      await waitFor(async () => (await get('dialer', '/health/ready')).status === 503, {
        description: 'dialer not ready',
      });
      const body = (await (await get('dialer', '/health/ready')).json()) as {
        status: string;
        error: Record<string, unknown>;
      };
      expect(body.status).toBe('error');
      expect(Object.keys(body.error)).toEqual(['freeswitch']);
      expect((await get('dialer', '/health/live')).status).toBe(200);
      await fsSimOf(fs).control('/nodes/0/esl/restore');
      await waitFor(async () => (await get('dialer', '/health/ready')).status === 200, {
        description: 'dialer ready',
      });
    },
  );

  it('answers readiness with NATS and PostgreSQL for a service that owns tables', async () => {
    const response = await get('campaign', '/health/ready');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; info: Record<string, { status: string }> };
    expect(body.status).toBe('ok');
    expect(body.info).toMatchObject({ nats: { status: 'up' }, postgres: { status: 'up' } });
  });
});

interface Dashboard {
  panels?: Array<{ targets?: Array<{ expr?: string }>; panels?: Dashboard['panels'] }>;
  templating?: { list?: Array<{ type?: string; query?: string | { query?: string } }> };
}

/** Every PromQL expression of a dashboard: panel targets (rows included) and query variables. */
function promqlOf(dashboard: Dashboard): string[] {
  const out: string[] = [];
  const walk = (panels: Dashboard['panels']) => {
    for (const panel of panels ?? []) {
      for (const t of panel.targets ?? []) if (t.expr) out.push(t.expr);
      walk(panel.panels);
    }
  };
  walk(dashboard.panels);
  for (const v of dashboard.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const query = typeof v.query === 'string' ? v.query : (v.query?.query ?? '');
    // label_values(<metric or selector>, <label>): the label is not a metric.
    const labelValues = /^label_values\((.*),\s*\w+\)$/.exec(query.trim());
    out.push(labelValues ? labelValues[1]! : query);
  }
  return out;
}
