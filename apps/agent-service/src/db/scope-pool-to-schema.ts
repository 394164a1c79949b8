import type { Pool } from 'pg';

/**
 * Makes every connection of the service-kit pool resolve table names in our schema
 * (`agent`), so the SQL here names tables as the migrations do. Done through the
 * connection's start-up options (`-c search_path=...`), which costs no query; it must run
 * before the pool opens its first connection (the providers that use the pool call it in
 * their constructors, before any query).
 */
export function scopePoolToSchema(pool: Pool, schema: string): Pool {
  const config = (pool as unknown as { options: { options?: string } }).options;
  config.options = `-c search_path=${schema}`;
  return pool;
}
