import { exportedMetricNames, exposedLabelValues, metricNamesInPromQL } from './promql-metric-names';

describe('metricNamesInPromQL', () => {
  it.each([
    ['autotelesale_dialer_esl_connected', ['autotelesale_dialer_esl_connected']],
    [
      'histogram_quantile(0.95, sum by (le, rpc) (rate(autotelesale_nats_request_duration_seconds_bucket{rpc=~"campaign.*"}[$__rate_interval])))',
      ['autotelesale_nats_request_duration_seconds_bucket'],
    ],
    [
      'sum(increase(autotelesale_dialer_abandons_total{campaign_id=~"$campaign"}[1h])) / clamp_min(sum(increase(autotelesale_dialer_live_answers_total{campaign_id=~"$campaign"}[1h])), 1)',
      ['autotelesale_dialer_abandons_total', 'autotelesale_dialer_live_answers_total'],
    ],
    [
      'max by (campaign_id) (autotelesale_reporting_abandon_ratio{rule="US"}) > on (campaign_id) group_left max by (campaign_id) (autotelesale_reporting_abandon_cap_ratio)',
      ['autotelesale_reporting_abandon_cap_ratio', 'autotelesale_reporting_abandon_ratio'],
    ],
    ['rate(process_cpu_seconds_total[5m]) * 100 + 1e3 - 0.5', ['process_cpu_seconds_total']],
    [
      'sum without (instance) (nodejs_heap_size_used_bytes offset 1h) and bool up',
      ['nodejs_heap_size_used_bytes', 'up'],
    ],
    ['label_replace(autotelesale_agent_state, "a", "$1", "agent_id", "(.*)")', ['autotelesale_agent_state']],
    [
      'sum(rate(autotelesale_http_request_duration_seconds_count[5m:1m]))',
      ['autotelesale_http_request_duration_seconds_count'],
    ],
  ])('%s', (expr, names) => {
    expect(metricNamesInPromQL(expr)).toEqual(names);
  });
});

describe('exportedMetricNames', () => {
  it('gives each metric of # TYPE lines, and the series of histograms and summaries, sampled or not', () => {
    const exposition = [
      '# HELP a_total A',
      '# TYPE a_total counter',
      '# HELP h_seconds H',
      '# TYPE h_seconds histogram',
      'h_seconds_bucket{le="1"} 0',
      '# TYPE s summary',
      '# TYPE g gauge',
      'g 1',
    ].join('\n');
    expect([...exportedMetricNames(exposition)].sort()).toEqual([
      'a_total',
      'g',
      'h_seconds',
      'h_seconds_bucket',
      'h_seconds_count',
      'h_seconds_sum',
      's',
      's_count',
      's_sum',
    ]);
  });
});

describe('exposedLabelValues', () => {
  it('reads every label of every sample, escaped quotes included', () => {
    const exposition = '# TYPE m gauge\nm{a="x",b="say \\"hi\\""} 1\nplain 2\n';
    expect(exposedLabelValues(exposition)).toEqual([
      { metric: 'm', label: 'a', value: 'x' },
      { metric: 'm', label: 'b', value: 'say \\"hi\\"' },
    ]);
  });
});
