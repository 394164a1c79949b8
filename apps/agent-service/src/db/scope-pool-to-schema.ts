import { Logger } from '@nestjs/common';
import type { Pool } from 'pg';

const prepared = new WeakSet<Pool>();

/**
 * Makes every connection of the service-kit pool resolve table names in our schema
 * (`agent`), so the SQL here names tables as the migrations do. Done through the
 * connection's start-up options (`-c search_path=...`), which costs no query; it must run
 * before the pool opens its first connection (the providers that use the pool call it in
 * their constructors, before any query).
 *
 * Also listens for errors of idle connections (PostgreSQL restarted, a connection
 * terminated): without a listener, pg re-throws them and the process dies; with one, the
 * pool drops the connection and opens another when next needed.
 */
export function scopePoolToSchema(pool: Pool, schema: string): Pool {
  if (prepared.has(pool)) return pool;
  prepared.add(pool);
  const config = (pool as unknown as { options: { options?: string } }).options;
  config.options = `-c search_path=${schema}`;
  const logger = new Logger('pg-pool');
  pool.on('error', (error) => logger.warn({ err: error.message }, 'an idle database connection failed'));
  return pool;
}
