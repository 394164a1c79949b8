import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { isDeadlock } from '@autotelesale/db';

/** A connection in a transaction; repositories take it so that a use case decides the boundaries. */
export type Tx = PoolClient;

/**
 * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
 * With `deadlockAttempts` > 1, a transaction PostgreSQL aborted as a deadlock's victim (it
 * changed nothing) is run again, up to that many times in all.
 */
export async function inTransaction<T>(
  pool: Pool,
  work: (tx: Tx) => Promise<T>,
  options: { deadlockAttempts?: number } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (isDeadlock(error) && attempt < (options.deadlockAttempts ?? 1)) continue;
      throw error;
    } finally {
      client.release();
    }
  }
}

export async function queryRows<T extends QueryResultRow>(
  db: Pool | Tx,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  return (await db.query<T>(sql, params)).rows;
}

export async function queryOne<T extends QueryResultRow>(
  db: Pool | Tx,
  sql: string,
  params: unknown[] = [],
): Promise<T | undefined> {
  return (await db.query<T>(sql, params)).rows[0];
}

/** Serialises work on one campaign's contact set (imports, contacts created by callbacks) within a transaction. */
export async function lockCampaignContacts(tx: Tx, campaignId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('campaign-contacts:' || $1, 0))`, [
    campaignId,
  ]);
}

export function iso(date: Date | string | null | undefined): string | null {
  if (date === null || date === undefined) return null;
  return (date instanceof Date ? date : new Date(date)).toISOString();
}

/** Opaque page cursors: base64url JSON. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(cursor: string | undefined): T | null {
  if (!cursor) return null;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as T;
  } catch {
    return null;
  }
}
