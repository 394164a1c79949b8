import {
  Counter,
  Gauge,
  Histogram,
  type MetricObjectWithValues,
  type MetricValue,
  type MetricValueWithName,
  type Registry,
} from 'prom-client';
import { containsPhoneNumber } from '../masking/mask-phone-numbers';
import { TelemetryError } from '../telemetry.errors';
import { SERVICE_LABEL } from './create-metrics-registry';

/**
 * Typed metric helpers. Every metric is created on a given registry (never the global one),
 * its name is checked against our conventions, and every label value is checked before it
 * reaches prom-client: a value that looks like a phone number is refused with
 * `METRIC_LABEL_PHONE_NUMBER`, because labels are stored and shipped verbatim and a number
 * per series would also explode cardinality.
 *
 * The wrappers expose only label-checked operations on purpose: handing out the prom-client
 * object would let a caller write unchecked labels.
 */

/** Application metrics are named `autotelesale_<subsystem>_<what>_<unit>`. */
export const METRIC_NAMESPACE = 'autotelesale';

export type LabelValues<L extends string> = Partial<Record<L, string | number>>;

export interface MetricDefinition<L extends string> {
  /** Full name, `autotelesale_` first; a counter ends in `_total`, others do not. */
  name: string;
  help: string;
  labelNames?: readonly L[];
}

export interface CounterMetric<L extends string = string> {
  readonly name: string;
  inc(value?: number): void;
  inc(labels: LabelValues<L>, value?: number): void;
  remove(labels: LabelValues<L>): void;
  reset(): void;
  get(): Promise<MetricObjectWithValues<MetricValue<L>>>;
}

export interface GaugeMetric<L extends string = string> {
  readonly name: string;
  set(value: number): void;
  set(labels: LabelValues<L>, value: number): void;
  inc(value?: number): void;
  inc(labels: LabelValues<L>, value?: number): void;
  dec(value?: number): void;
  dec(labels: LabelValues<L>, value?: number): void;
  /** Sets the gauge to the seconds elapsed when the returned function is called. */
  startTimer(labels?: LabelValues<L>): (endLabels?: LabelValues<L>) => number;
  remove(labels: LabelValues<L>): void;
  reset(): void;
  get(): Promise<MetricObjectWithValues<MetricValue<L>>>;
}

export interface GaugeDefinition<L extends string> extends MetricDefinition<L> {
  /** Called on every scrape to refresh the value (for example agents by state). */
  collect?: (gauge: GaugeMetric<L>) => void | Promise<void>;
}

export interface HistogramMetric<L extends string = string> {
  readonly name: string;
  observe(value: number): void;
  observe(labels: LabelValues<L>, value: number): void;
  /** Observes the seconds elapsed when the returned function is called. */
  startTimer(labels?: LabelValues<L>): (endLabels?: LabelValues<L>) => number;
  remove(labels: LabelValues<L>): void;
  reset(): void;
  get(): Promise<MetricObjectWithValues<MetricValueWithName<L>>>;
}

export interface HistogramDefinition<L extends string> extends MetricDefinition<L> {
  /** Upper bounds; prom-client's defaults (5 ms to 10 s) when omitted. Use seconds. */
  buckets?: number[];
}

const NAME = new RegExp(`^${METRIC_NAMESPACE}_[a-z][a-z0-9]*(?:_[a-z0-9]+)*$`);
const LABEL_NAME = /^[a-z][a-z0-9_]*$/;
/** Label values already checked, per metric; capped so a cardinality bug cannot also leak memory. */
const CHECKED_VALUES_CAP = 10_000;

type Kind = 'counter' | 'gauge' | 'histogram';

function checkDefinition<L extends string>(kind: Kind, definition: MetricDefinition<L>): void {
  const { name } = definition;
  if (!NAME.test(name)) {
    throw new TelemetryError(
      'METRIC_NAME_INVALID',
      `metric "${name}" must be snake_case and start with "${METRIC_NAMESPACE}_"`,
    );
  }
  if ((kind === 'counter') !== name.endsWith('_total')) {
    throw new TelemetryError(
      'METRIC_NAME_INVALID',
      kind === 'counter'
        ? `counter "${name}" must end in "_total"`
        : `${kind} "${name}" must not end in "_total", which Prometheus reserves for counters`,
    );
  }
  for (const label of definition.labelNames ?? []) {
    if (!LABEL_NAME.test(label)) {
      throw new TelemetryError('METRIC_NAME_INVALID', `label "${label}" of "${name}" must be snake_case`);
    }
    if (label === SERVICE_LABEL || (kind === 'histogram' && label === 'le')) {
      throw new TelemetryError(
        'METRIC_LABEL_RESERVED',
        `label "${label}" of "${name}" is set by the registry`,
      );
    }
  }
}

function labelGuard<L extends string>(metric: string): (labels: LabelValues<L> | undefined) => void {
  const checked = new Set<string>();
  return (labels) => {
    if (labels === undefined) return;
    for (const key in labels) {
      const raw = labels[key];
      if (raw === undefined) continue;
      const value = String(raw);
      if (checked.has(value)) continue;
      if (containsPhoneNumber(value)) {
        // The value itself stays out of the message: it is the phone number.
        throw new TelemetryError(
          'METRIC_LABEL_PHONE_NUMBER',
          `label "${key}" of metric "${metric}" looks like a phone number; labels must never carry one`,
        );
      }
      if (checked.size < CHECKED_VALUES_CAP) checked.add(value);
    }
  };
}

/** Splits the overloaded `(labels, value)` / `(value)` arguments prom-client accepts. */
function split<L extends string>(
  labelsOrValue: LabelValues<L> | number | undefined,
  value: number | undefined,
): [LabelValues<L> | undefined, number | undefined] {
  return typeof labelsOrValue === 'object' ? [labelsOrValue, value] : [undefined, labelsOrValue];
}

export function createCounter<L extends string = never>(
  registry: Registry,
  definition: MetricDefinition<L>,
): CounterMetric<L> {
  checkDefinition('counter', definition);
  const guard = labelGuard<L>(definition.name);
  const counter = new Counter<L>({
    name: definition.name,
    help: definition.help,
    labelNames: definition.labelNames ?? [],
    registers: [registry],
  });
  return {
    name: definition.name,
    inc(labelsOrValue?: LabelValues<L> | number, value?: number) {
      const [labels, amount] = split(labelsOrValue, value);
      guard(labels);
      if (labels === undefined) counter.inc(amount);
      else counter.inc(labels, amount);
    },
    remove(labels) {
      guard(labels);
      counter.remove(labels);
    },
    reset: () => counter.reset(),
    get: () => counter.get(),
  };
}

export function createGauge<L extends string = never>(
  registry: Registry,
  definition: GaugeDefinition<L>,
): GaugeMetric<L> {
  checkDefinition('gauge', definition);
  const guard = labelGuard<L>(definition.name);
  const delta = (sign: 1 | -1) => (labelsOrValue?: LabelValues<L> | number, value?: number) => {
    const [labels, amount] = split(labelsOrValue, value);
    guard(labels);
    const signed = sign * (amount ?? 1);
    if (labels === undefined) gauge.inc(signed);
    else gauge.inc(labels, signed);
  };
  const wrapper: GaugeMetric<L> = {
    name: definition.name,
    set(labelsOrValue: LabelValues<L> | number, value?: number) {
      const [labels, amount] = split(labelsOrValue, value);
      guard(labels);
      if (labels === undefined) gauge.set(amount!);
      else gauge.set(labels, amount!);
    },
    inc: delta(1),
    dec: delta(-1),
    startTimer(labels) {
      guard(labels);
      const end = gauge.startTimer(labels);
      return (endLabels) => {
        guard(endLabels);
        return end(endLabels);
      };
    },
    remove(labels) {
      guard(labels);
      gauge.remove(labels);
    },
    reset: () => gauge.reset(),
    get: () => gauge.get(),
  };
  const userCollect = definition.collect;
  const gauge = new Gauge<L>({
    name: definition.name,
    help: definition.help,
    labelNames: definition.labelNames ?? [],
    registers: [registry],
    // collect receives the wrapper, so values set during a scrape are label-checked too.
    ...(userCollect ? { collect: () => userCollect(wrapper) } : {}),
  });
  return wrapper;
}

export function createHistogram<L extends string = never>(
  registry: Registry,
  definition: HistogramDefinition<L>,
): HistogramMetric<L> {
  checkDefinition('histogram', definition);
  const guard = labelGuard<L>(definition.name);
  const histogram = new Histogram<L>({
    name: definition.name,
    help: definition.help,
    labelNames: definition.labelNames ?? [],
    registers: [registry],
    ...(definition.buckets ? { buckets: definition.buckets } : {}),
  });
  return {
    name: definition.name,
    observe(labelsOrValue: LabelValues<L> | number, value?: number) {
      const [labels, amount] = split(labelsOrValue, value);
      guard(labels);
      if (labels === undefined) histogram.observe(amount!);
      else histogram.observe(labels, amount!);
    },
    startTimer(labels) {
      guard(labels);
      const end = histogram.startTimer(labels);
      return (endLabels) => {
        guard(endLabels);
        return end(endLabels);
      };
    },
    remove(labels) {
      guard(labels);
      histogram.remove(labels);
    },
    reset: () => histogram.reset(),
    get: () => histogram.get(),
  };
}
