import { join } from 'node:path';

/** The PostgreSQL schema campaign-service owns. No other service reads it. */
export const CAMPAIGN_DB_SCHEMA = 'campaign';

/** SQL migrations, next to the Prisma schema (copied into dist by the build). */
export const CAMPAIGN_MIGRATIONS_DIR = join(__dirname, '..', '..', 'prisma', 'migrations');
