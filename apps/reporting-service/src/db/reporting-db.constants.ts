import { join } from 'node:path';

/** The PostgreSQL schema reporting-service owns. No other service reads it. */
export const REPORTING_DB_SCHEMA = 'reporting';

/** SQL migrations, next to the Prisma schema (copied into dist by the build). */
export const REPORTING_MIGRATIONS_DIR = join(__dirname, '..', '..', 'prisma', 'migrations');
