import { join } from 'node:path';

/** The PostgreSQL schema campaign-service owns (no other service reads it), and its SQL migrations. */
export const CAMPAIGN_DATABASE = {
  schema: 'campaign',
  migrationsDir: join(__dirname, '..', '..', 'prisma', 'migrations'),
} as const;
