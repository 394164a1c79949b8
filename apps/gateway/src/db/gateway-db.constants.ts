import { join } from 'node:path';

/** The PostgreSQL schema the gateway owns (no other service reads it), and its SQL migrations. */
export const GATEWAY_DATABASE = {
  schema: 'gateway',
  migrationsDir: join(__dirname, '..', '..', 'prisma', 'migrations'),
} as const;
