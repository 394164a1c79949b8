import { join } from 'node:path';

/** The PostgreSQL schema agent-service owns (no other service reads it), and its SQL migrations. */
export const AGENT_DATABASE = {
  schema: 'agent',
  migrationsDir: join(__dirname, '..', '..', 'prisma', 'migrations'),
} as const;
