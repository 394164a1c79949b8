import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@autotelesale/service-kit';
import { createGauge } from '@autotelesale/telemetry';
import { CAMPAIGN_POOL } from '../db/campaign-pool';

interface ImportRow {
  id: string;
  campaign_id: string;
  bytes_received: string;
  total_bytes: string | null;
  rows_in: number;
}

/**
 * Progress of the contact imports still receiving, read from the database on each scrape
 * (every replica reports the same truth; an import ends its series when it completes). The
 * labels are the import and campaign ids, never a row's content.
 */
@Injectable()
export class ImportProgressMetrics {
  private snapshot: { at: number; rows: Promise<ImportRow[]> } | undefined;

  constructor(
    @Inject(CAMPAIGN_POOL) private readonly pool: Pool,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    createGauge(registry, {
      name: 'autotelesale_campaign_imports_in_progress',
      help: 'Contact imports still receiving their file',
      collect: async (gauge) => gauge.set((await this.rows()).length),
    });
    createGauge(registry, {
      name: 'autotelesale_campaign_import_rows_read',
      help: 'Rows read so far by each import still receiving, by campaign and import',
      labelNames: ['campaign_id', 'import_id'] as const,
      collect: async (gauge) => {
        gauge.reset();
        for (const r of await this.rows())
          gauge.set({ campaign_id: r.campaign_id, import_id: r.id }, r.rows_in);
      },
    });
    createGauge(registry, {
      name: 'autotelesale_campaign_import_progress_ratio',
      help: 'Bytes received / file size of each import still receiving whose size is known (0 to 1)',
      labelNames: ['campaign_id', 'import_id'] as const,
      collect: async (gauge) => {
        gauge.reset();
        for (const r of await this.rows()) {
          const total = Number(r.total_bytes ?? 0);
          if (total > 0)
            gauge.set(
              { campaign_id: r.campaign_id, import_id: r.id },
              Math.min(1, Number(r.bytes_received) / total),
            );
        }
      },
    });
  }

  /** One query serves the three gauges of a scrape. */
  private rows(): Promise<ImportRow[]> {
    const now = Date.now();
    if (!this.snapshot || now - this.snapshot.at > 1_000) {
      this.snapshot = {
        at: now,
        rows: this.pool
          .query<ImportRow>(
            `SELECT id, campaign_id, bytes_received::text, total_bytes::text, rows_in
               FROM list_import WHERE state = 'receiving'`,
          )
          .then((r) => r.rows)
          .catch(() => []),
      };
    }
    return this.snapshot.rows;
  }
}
