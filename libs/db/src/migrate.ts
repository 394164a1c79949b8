import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DbError, quoteSchemaName } from './db.errors';

/**
 * Applies a service's SQL migrations to its own PostgreSQL schema.
 *
 * Layout (the one Prisma uses): `<migrationsDir>/<timestamp>_<name>/migration.sql`,
 * applied in name order. Each file runs in its own transaction with `search_path` set
 * to the service's schema, and is recorded in `<schema>._migrations` with its sha-256.
 * A session advisory lock per schema makes concurrent starts (several replicas) apply
 * each file once. An applied file whose content changed is an error: migrations are
 * append-only. Nothing here downloads an engine.
 */

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateOptions {
  connectionString: string;
  schema: string;
  migrationsDir: string;
  log?: (message: string) => void;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
  /** Recorded in the database but absent on disk (a newer release ran here). */
  unknown: string[];
}

export const MIGRATIONS_TABLE = '_migrations';

export function readMigrations(migrationsDir: string): MigrationFile[] {
  if (!existsSync(migrationsDir)) {
    throw new DbError('MIGRATION_DIR_INVALID', `no migrations folder at ${migrationsDir}`);
  }
  return readdirSync(migrationsDir)
    .filter((name) => statSync(join(migrationsDir, name)).isDirectory())
    .sort()
    .map((name) => {
      const file = join(migrationsDir, name, 'migration.sql');
      if (!existsSync(file)) throw new DbError('MIGRATION_DIR_INVALID', `${name} has no migration.sql`);
      const sql = readFileSync(file, 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const log = options.log ?? (() => undefined);
  const schema = quoteSchemaName(options.schema);
  const files = readMigrations(options.migrationsDir);
  const client = new Client({ connectionString: options.connectionString });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`ats_migrate:${options.schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.${MIGRATIONS_TABLE} (
         name text PRIMARY KEY,
         checksum text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const { rows } = await client.query<{ name: string; checksum: string }>(
      `SELECT name, checksum FROM ${schema}.${MIGRATIONS_TABLE} ORDER BY name`,
    );
    const done = new Map(rows.map((r) => [r.name, r.checksum]));
    const result: MigrateResult = { applied: [], alreadyApplied: [], unknown: [] };
    for (const file of files) {
      const recorded = done.get(file.name);
      if (recorded !== undefined) {
        if (recorded !== file.checksum) {
          throw new DbError(
            'MIGRATION_CHECKSUM_MISMATCH',
            `migration ${options.schema}/${file.name} was changed after it was applied; add a new migration instead`,
            { recorded, onDisk: file.checksum },
          );
        }
        result.alreadyApplied.push(file.name);
        continue;
      }
      try {
        await client.query('BEGIN');
        await client.query(`SET LOCAL search_path TO ${schema}`);
        await client.query(file.sql);
        await client.query(`INSERT INTO ${schema}.${MIGRATIONS_TABLE} (name, checksum) VALUES ($1, $2)`, [
          file.name,
          file.checksum,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new DbError(
          'MIGRATION_FAILED',
          `migration ${options.schema}/${file.name} failed: ${(error as Error).message}`,
        );
      }
      log(`applied ${options.schema}/${file.name}`);
      result.applied.push(file.name);
    }
    const onDisk = new Set(files.map((f) => f.name));
    result.unknown = [...done.keys()].filter((name) => !onDisk.has(name));
    return result;
  } finally {
    await client
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`ats_migrate:${options.schema}`])
      .catch(() => undefined);
    await client.end();
  }
}
