import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { isDeadlock, isSerializationFailure } from '@autotelesale/db';
import { PG_POOL } from '@autotelesale/service-kit';
import { REPORTING_DATABASE } from './reporting-db.constants';

/** One transaction of reporting-service. */
export class ReportingTx {
  constructor(private readonly client: PoolClient) {}

  query<R extends QueryResultRow>(text: string, values?: unknown[]) {
    return this.client.query<R>(text, values);
  }
}

const prepared = new WeakSet<Pool>();

/**
 * Raw SQL through the service-kit pool: the consumers need read-merge-write under a row
 * lock and the queries aggregate with FILTER and percentiles, which Prisma expresses
 * badly. Every connection resolves table names in our schema (`reporting`), set through
 * the connection's start-up options before the pool opens its first connection.
 */
@Injectable()
export class ReportingDatabase {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {
    if (!prepared.has(pool)) {
      prepared.add(pool);
      const config = (pool as unknown as { options: { options?: string } }).options;
      config.options = `-c search_path=${REPORTING_DATABASE.schema}`;
      const logger = new Logger('pg-pool');
      // Without a listener, an idle connection's error (PostgreSQL restarted) kills the process.
      pool.on('error', (error) => logger.warn({ err: error.message }, 'an idle database connection failed'));
    }
  }

  /** Runs `work` in a READ COMMITTED transaction, again on a deadlock (PostgreSQL aborted one side). */
  async transaction<T>(work: (tx: ReportingTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(new ReportingTx(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        if ((isDeadlock(error) || isSerializationFailure(error)) && attempt < 3) continue;
        throw error;
      } finally {
        client.release();
      }
    }
  }

  async query<R extends QueryResultRow>(text: string, values?: unknown[]) {
    return this.pool.query<R>(text, values);
  }
}
