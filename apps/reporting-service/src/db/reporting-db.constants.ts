import { join } from 'node:path';

/** The PostgreSQL schema reporting-service owns (no other service reads it), and its SQL migrations. */
export const REPORTING_DATABASE = {
  schema: 'reporting',
  migrationsDir: join(__dirname, '..', '..', 'prisma', 'migrations'),
} as const;
