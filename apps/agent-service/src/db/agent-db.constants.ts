import { join } from 'node:path';

/** The PostgreSQL schema agent-service owns. No other service reads it. */
export const AGENT_DB_SCHEMA = 'agent';

/** SQL migrations, next to the Prisma schema (copied into dist by the build). */
export const AGENT_MIGRATIONS_DIR = join(__dirname, '..', '..', 'prisma', 'migrations');
