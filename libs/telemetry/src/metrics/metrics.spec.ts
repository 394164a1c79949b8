import { createMetricsRegistry, metricsHandler } from './create-metrics-registry';
import { createCounter, createGauge, createHistogram } from './metrics';
import { TelemetryError } from '../telemetry.errors';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A strict reader of the Prometheus text format: any line it cannot read fails the test.
 * Special values are matched case-insensitively, as Prometheus (Go's ParseFloat) does:
 * prom-client writes NaN as `Nan` before the event-loop monitor has a sample.
 */
function parseExposition(body: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ([+-]?(?:[0-9.e+-]+|inf|nan))(?: \d+)?$/i;
  const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (const line of body.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) continue;
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      types.set(name!, type!);
      continue;
    }
    const match = sampleLine.exec(line);
    if (!match) throw new Error(`unparseable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(labelPair)) labels[pair[1]!] = pair[2]!;
    samples.push({
      name: match[1]!,
      labels,
      value: Number(match[3]!.replace(/inf/i, 'Infinity').replace(/nan/i, 'NaN')),
    });
  }
  return { samples, types };
}

const phoneRefusal = expect.objectContaining({ code: 'METRIC_LABEL_PHONE_NUMBER' }) as TelemetryError;

describe('metrics', () => {
  it('serves a parseable scrape with default metrics, all labelled with the service', async () => {
    const registry = createMetricsRegistry({ service: 'dialer-service' });
    const calls = createCounter(registry, {
      name: 'autotelesale_calls_total',
      help: 'Calls placed, by outcome.',
      labelNames: ['campaign_id', 'outcome'],
    });
    calls.inc({ campaign_id: 'c-1', outcome: 'answered' });
    calls.inc({ campaign_id: 'c-1', outcome: 'answered' }, 2);

    const { contentType, body } = await metricsHandler(registry);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const { samples, types } = parseExposition(body);
    expect(samples.length).toBeGreaterThan(20);
    expect(samples.every((s) => s.labels['service'] === 'dialer-service')).toBe(true);
    expect(types.get('process_cpu_seconds_total')).toBe('counter');
    expect(types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
    expect(types.get('autotelesale_calls_total')).toBe('counter');
    expect(samples.find((s) => s.name === 'autotelesale_calls_total')).toEqual({
      name: 'autotelesale_calls_total',
      labels: { service: 'dialer-service', campaign_id: 'c-1', outcome: 'answered' },
      value: 3,
    });
    registry.clear();
  });

  it('keeps registries apart and can skip the default metrics', async () => {
    const a = createMetricsRegistry({ service: 'agent-service', collectDefault: false });
    const b = createMetricsRegistry({ service: 'campaign-service', collectDefault: false });
    createGauge(a, { name: 'autotelesale_agents', help: 'Agents.' }).set(4);
    createGauge(b, { name: 'autotelesale_agents', help: 'Agents.' }).set(7);
    expect(parseExposition((await metricsHandler(a)).body).samples).toEqual([
      { name: 'autotelesale_agents', labels: { service: 'agent-service' }, value: 4 },
    ]);
    expect(parseExposition((await metricsHandler(b)).body).samples).toEqual([
      { name: 'autotelesale_agents', labels: { service: 'campaign-service' }, value: 7 },
    ]);
  });

  it('supports gauges with collect callbacks and histograms with timers', async () => {
    const registry = createMetricsRegistry({ service: 'agent-service', collectDefault: false });
    const agents = createGauge(registry, {
      name: 'autotelesale_agents_by_state',
      help: 'Agents by state.',
      labelNames: ['state'],
      collect: (gauge) => {
        gauge.set({ state: 'ready' }, 3);
        gauge.set({ state: 'talking' }, 5);
      },
    });
    const latency = createHistogram(registry, {
      name: 'autotelesale_answer_to_agent_seconds',
      help: 'Customer answer to agent bridge.',
      labelNames: ['campaign_id'],
      buckets: [0.5, 1, 2],
    });
    latency.observe({ campaign_id: 'c-1' }, 0.7);
    latency.startTimer({ campaign_id: 'c-1' })();
    const { samples } = parseExposition((await metricsHandler(registry)).body);
    const value = (name: string, labels: Record<string, string>) =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        ?.value;
    expect(value('autotelesale_agents_by_state', { state: 'talking' })).toBe(5);
    expect(value('autotelesale_answer_to_agent_seconds_count', { campaign_id: 'c-1' })).toBe(2);
    expect(value('autotelesale_answer_to_agent_seconds_bucket', { le: '1' })).toBe(2);
    expect(agents.name).toBe('autotelesale_agents_by_state');
  });

  it.each([
    ['E.164', '+84961166133'],
    ['national', '0961166133'],
    ['spaced', '0961 166 133'],
    ['in a dial string', 'sofia/gateway/carrier/0961166133'],
    ['as a number', 84961166133],
  ])('refuses a label value that looks like a phone number (%s)', async (_case, phone) => {
    const registry = createMetricsRegistry({ service: 'dialer-service', collectDefault: false });
    const calls = createCounter(registry, {
      name: 'autotelesale_calls_total',
      help: 'Calls.',
      labelNames: ['destination'],
    });
    const gauge = createGauge(registry, {
      name: 'autotelesale_live_calls',
      help: 'Live.',
      labelNames: ['to'],
    });
    const histogram = createHistogram(registry, {
      name: 'autotelesale_ring_seconds',
      help: 'Ring.',
      labelNames: ['to'],
    });
    expect(() => calls.inc({ destination: phone })).toThrow(phoneRefusal);
    expect(() => gauge.set({ to: phone }, 1)).toThrow(phoneRefusal);
    expect(() => gauge.inc({ to: phone })).toThrow(phoneRefusal);
    expect(() => histogram.observe({ to: phone }, 1)).toThrow(phoneRefusal);
    expect(() => histogram.startTimer({ to: 'ok' })({ to: phone })).toThrow(phoneRefusal);
    expect(() => calls.inc({ destination: phone })).toThrow(TelemetryError);
    try {
      calls.inc({ destination: phone });
    } catch (error) {
      // The refusal must not itself leak the number into logs.
      expect((error as Error).message).not.toContain(String(phone));
    }
    const { body } = await metricsHandler(registry);
    expect(body).not.toContain('961');
  });

  it('accepts ids, codes and timestamps as label values', () => {
    const registry = createMetricsRegistry({ service: 'dialer-service', collectDefault: false });
    const calls = createCounter(registry, {
      name: 'autotelesale_calls_total',
      help: 'Calls.',
      labelNames: ['campaign_id', 'node', 'cause'],
    });
    expect(() =>
      calls.inc({
        campaign_id: '550e8400-e29b-41d4-a716-446655440000',
        node: '10.0.0.5:8021',
        cause: 'NO_ANSWER',
      }),
    ).not.toThrow();
  });

  it.each([
    [
      'counter without _total',
      () =>
        createCounter(createMetricsRegistry({ service: 's', collectDefault: false }), {
          name: 'autotelesale_calls',
          help: 'x',
        }),
      'METRIC_NAME_INVALID',
    ],
    [
      'gauge with _total',
      () =>
        createGauge(createMetricsRegistry({ service: 's', collectDefault: false }), {
          name: 'autotelesale_calls_total',
          help: 'x',
        }),
      'METRIC_NAME_INVALID',
    ],
    [
      'no namespace',
      () =>
        createGauge(createMetricsRegistry({ service: 's', collectDefault: false }), {
          name: 'calls_live',
          help: 'x',
        }),
      'METRIC_NAME_INVALID',
    ],
    [
      'camelCase',
      () =>
        createGauge(createMetricsRegistry({ service: 's', collectDefault: false }), {
          name: 'autotelesale_liveCalls',
          help: 'x',
        }),
      'METRIC_NAME_INVALID',
    ],
    [
      'service label',
      () =>
        createGauge(createMetricsRegistry({ service: 's', collectDefault: false }), {
          name: 'autotelesale_live',
          help: 'x',
          labelNames: ['service'],
        }),
      'METRIC_LABEL_RESERVED',
    ],
    [
      'le label',
      () =>
        createHistogram(createMetricsRegistry({ service: 's', collectDefault: false }), {
          name: 'autotelesale_x_seconds',
          help: 'x',
          labelNames: ['le'],
        }),
      'METRIC_LABEL_RESERVED',
    ],
    ['phone as service', () => createMetricsRegistry({ service: '0961166133' }), 'METRIC_LABEL_PHONE_NUMBER'],
  ])('refuses a bad definition: %s', (_case, create, code) => {
    expect(create).toThrow(expect.objectContaining({ code }) as TelemetryError);
  });
});
