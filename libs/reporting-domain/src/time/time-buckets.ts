import { REPORTING_MAX_BUCKETS, type KpiInterval } from '@autotelesale/contracts';
import { ReportingDomainError } from '../reporting-domain.errors';

export const INTERVAL_MS: Readonly<Record<Exclude<KpiInterval, 'total'>, number>> = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};

export interface TimeBucket {
  start: Date;
  end: Date;
}

/**
 * How a timestamp maps to its bucket: buckets are `widthMs` wide from `originMs` (the
 * epoch for aligned buckets, so 15-minute buckets start at :00, :15, ...; the range's
 * start for `total`), then clipped to the range.
 */
export interface BucketGrid {
  originMs: number;
  widthMs: number;
}

export function bucketGrid(from: Date, to: Date, interval: KpiInterval): BucketGrid {
  if (!(from.getTime() < to.getTime())) {
    throw new ReportingDomainError('REPORTING_INVALID_RANGE', '`from` must be before `to`');
  }
  return interval === 'total'
    ? { originMs: from.getTime(), widthMs: to.getTime() - from.getTime() }
    : { originMs: 0, widthMs: INTERVAL_MS[interval] };
}

/** The start of the (clipped) bucket holding `at`. */
export function bucketStartOf(at: Date, from: Date, grid: BucketGrid): Date {
  const aligned = grid.originMs + Math.floor((at.getTime() - grid.originMs) / grid.widthMs) * grid.widthMs;
  return new Date(Math.max(aligned, from.getTime()));
}

/** Every bucket of [from, to), clipped to it; refuses more than REPORTING_MAX_BUCKETS. */
export function bucketsOf(from: Date, to: Date, interval: KpiInterval): TimeBucket[] {
  const grid = bucketGrid(from, to, interval);
  const first = bucketStartOf(from, from, grid).getTime();
  const lastAligned =
    grid.originMs + Math.floor((to.getTime() - 1 - grid.originMs) / grid.widthMs) * grid.widthMs;
  const firstAligned = grid.originMs + Math.floor((first - grid.originMs) / grid.widthMs) * grid.widthMs;
  const count = Math.round((lastAligned - firstAligned) / grid.widthMs) + 1;
  if (count > REPORTING_MAX_BUCKETS) {
    throw new ReportingDomainError(
      'REPORTING_TOO_MANY_BUCKETS',
      `${count} buckets of ${interval} in the range; at most ${REPORTING_MAX_BUCKETS}`,
      { count, max: REPORTING_MAX_BUCKETS },
    );
  }
  const buckets: TimeBucket[] = [];
  for (let i = 0; i < count; i += 1) {
    const alignedStart = firstAligned + i * grid.widthMs;
    buckets.push({
      start: new Date(Math.max(alignedStart, from.getTime())),
      end: new Date(Math.min(alignedStart + grid.widthMs, to.getTime())),
    });
  }
  return buckets;
}
