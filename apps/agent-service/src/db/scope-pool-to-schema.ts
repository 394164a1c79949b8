import type { Pool } from 'pg';

const scoped = new WeakSet<Pool>();

/**
 * Makes every connection of the service-kit pool resolve table names in our schema
 * (`agent`), so the SQL here names tables as the migrations do. Registered before the
 * pool opens its first connection; the SET is queued on a new connection before any
 * query of ours.
 */
export function scopePoolToSchema(pool: Pool, schema: string): Pool {
  if (scoped.has(pool)) return pool;
  scoped.add(pool);
  pool.on('connect', (client) => {
    client.query(`SET search_path TO "${schema}"`).catch(() => undefined);
  });
  return pool;
}
