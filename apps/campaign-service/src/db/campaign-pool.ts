import { Inject, Injectable, Logger, OnApplicationShutdown, type Provider } from '@nestjs/common';
import { Pool } from 'pg';
import { withPreparedStatements } from '@autotelesale/db';
import { PG_POOL, SERVICE_CONFIG, type ServiceConfig } from '@autotelesale/service-kit';
import { CAMPAIGN_DATABASE } from './campaign-db.constants';

/** The pool every campaign-service query uses: table names resolve in our schema. */
export const CAMPAIGN_POOL = Symbol('CAMPAIGN_POOL');

const POOL_SIZE = Number(process.env['ATS_CAMPAIGN_DB_POOL_SIZE'] ?? 16);

/**
 * Its own pool rather than the kit's: `search_path` set at connection start-up (no extra
 * query per checkout), and sized for the lease path. It depends on the kit's pool so that
 * it exists only once the migrations have run.
 */
export const campaignPoolProvider: Provider = {
  provide: CAMPAIGN_POOL,
  inject: [SERVICE_CONFIG, PG_POOL],
  useFactory: (config: ServiceConfig) => {
    const pool = new Pool(
      withPreparedStatements({
        connectionString: config.databaseUrl,
        options: `-c search_path=${CAMPAIGN_DATABASE.schema}`,
        max: POOL_SIZE,
      }),
    );
    // An idle connection dropped by the server (restart, failover, a dropped database) is
    // an 'error' event on the pool: without a listener it would take the process down.
    // The pool discards that connection and opens a new one on the next query.
    const logger = new Logger('campaign-pool');
    pool.on('error', (error) => logger.warn({ err: error.message }, 'idle database connection lost'));
    return pool;
  },
};

@Injectable()
export class CampaignPoolCloser implements OnApplicationShutdown {
  constructor(@Inject(CAMPAIGN_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
