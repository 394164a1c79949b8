import { REPORTING_MAX_BUCKETS } from '@autotelesale/contracts';
import { bucketGrid, bucketsOf, bucketStartOf } from './time-buckets';

const d = (iso: string) => new Date(iso);
const spans = (from: string, to: string, interval: Parameters<typeof bucketsOf>[2]) =>
  bucketsOf(d(from), d(to), interval).map((b) => [b.start.toISOString(), b.end.toISOString()]);

describe('time buckets', () => {
  it('aligns 15-minute buckets on the clock and clips the first and last to the range', () => {
    expect(spans('2026-11-23T09:07:00Z', '2026-11-23T09:40:00Z', '15m')).toEqual([
      ['2026-11-23T09:07:00.000Z', '2026-11-23T09:15:00.000Z'],
      ['2026-11-23T09:15:00.000Z', '2026-11-23T09:30:00.000Z'],
      ['2026-11-23T09:30:00.000Z', '2026-11-23T09:40:00.000Z'],
    ]);
  });

  it('has one bucket for the whole range with `total`', () => {
    expect(spans('2026-11-23T09:07:00Z', '2026-11-25T00:00:00Z', 'total')).toEqual([
      ['2026-11-23T09:07:00.000Z', '2026-11-25T00:00:00.000Z'],
    ]);
  });

  it('puts a timestamp in the bucket that holds it, the first one clipped', () => {
    const from = d('2026-11-23T09:07:00Z');
    const grid = bucketGrid(from, d('2026-11-24T00:00:00Z'), '1h');
    expect(bucketStartOf(d('2026-11-23T09:59:59.999Z'), from, grid).toISOString()).toBe(
      '2026-11-23T09:07:00.000Z',
    );
    expect(bucketStartOf(d('2026-11-23T10:00:00Z'), from, grid).toISOString()).toBe(
      '2026-11-23T10:00:00.000Z',
    );
    expect(spans('2026-11-23T00:00:00Z', '2026-11-23T03:00:00Z', '1h')).toHaveLength(3);
    expect(spans('2026-11-23T00:00:00Z', '2026-11-25T00:00:01Z', '1d')).toHaveLength(3);
  });

  it('refuses a range with too many buckets or that ends before it starts', () => {
    const days = Math.ceil((REPORTING_MAX_BUCKETS + 1) / 96);
    expect(() => bucketsOf(d('2026-01-01T00:00:00Z'), new Date(Date.UTC(2026, 0, 1 + days)), '15m')).toThrow(
      expect.objectContaining({ code: 'REPORTING_TOO_MANY_BUCKETS' }),
    );
    expect(() => bucketsOf(d('2026-01-02T00:00:00Z'), d('2026-01-01T00:00:00Z'), 'total')).toThrow(
      expect.objectContaining({ code: 'REPORTING_INVALID_RANGE' }),
    );
  });
});
