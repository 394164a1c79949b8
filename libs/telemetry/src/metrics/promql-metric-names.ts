/**
 * Which metrics a PromQL expression reads, and which metrics a `/metrics` page exports: the
 * two halves of the check that every dashboard query has a metric behind it.
 */

const FUNCTION_OR_KEYWORD = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'atan2',
  'inf',
  'nan',
]);

/** Histogram and summary series carry these suffixes on top of the name in `# TYPE`. */
const SERIES_SUFFIXES = ['_bucket', '_sum', '_count'];

/**
 * The metric names a PromQL expression selects, e.g. `histogram_quantile(0.95, sum by (le)
 * (rate(autotelesale_http_request_duration_seconds_bucket{route=~"$route"}[5m])))` gives
 * `["autotelesale_http_request_duration_seconds_bucket"]`. Label matchers, grouping labels,
 * strings, ranges, Grafana variables, functions, keywords and numbers are not names.
 */
export function metricNamesInPromQL(expr: string): string[] {
  const stripped = expr
    // strings (label values, label_replace arguments)
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    // label matchers, ranges and subqueries
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    // label lists after grouping and matching modifiers
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    // Grafana variables ($campaign, ${DS_PROMETHEUS}, $__rate_interval)
    .replace(/\$\{[^}]*\}|\$\w+/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const name = match[0];
    const after = stripped.slice((match.index ?? 0) + name.length);
    if (/^\s*\(/.test(after)) continue; // a function call
    if (FUNCTION_OR_KEYWORD.has(name.toLowerCase())) continue;
    if (/^\d/.test(name)) continue;
    // An exponent or duration glued to a number (1e3, 5m) is not a name.
    const before = stripped.slice(0, match.index ?? 0);
    if (/[\d.]$/.test(before)) continue;
    names.add(name);
  }
  return [...names].sort();
}

/**
 * The names of every sample a Prometheus text exposition can hold, from its `# TYPE` lines:
 * the name itself, and for histograms and summaries the `_bucket` / `_sum` / `_count` series.
 * A metric registered but never observed (no sample yet) still has its `# TYPE` line, so the
 * answer is what the service defines, not what happened to be counted.
 */
export function exportedMetricNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    const typed = /^# TYPE ([A-Za-z_:][A-Za-z0-9_:]*) (\w+)/.exec(line);
    if (!typed) continue;
    const [, name, type] = typed;
    names.add(name!);
    if (type === 'histogram') for (const suffix of SERIES_SUFFIXES) names.add(`${name}${suffix}`);
    if (type === 'summary') for (const suffix of SERIES_SUFFIXES.slice(1)) names.add(`${name}${suffix}`);
  }
  return names;
}

/** Every label value of every sample line of an exposition, with its metric and label name. */
export function exposedLabelValues(
  exposition: string,
): Array<{ metric: string; label: string; value: string }> {
  const out: Array<{ metric: string; label: string; value: string }> = [];
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#')) continue;
    const sample = /^([A-Za-z_:][A-Za-z0-9_:]*)\{(.*)\}\s/.exec(line);
    if (!sample) continue;
    for (const label of sample[2]!.matchAll(/([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      out.push({ metric: sample[1]!, label: label[1]!, value: label[2]! });
  }
  return out;
}
