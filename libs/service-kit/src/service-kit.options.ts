import type { ServiceName } from '@autotelesale/contracts';

export interface ServiceKitOptions {
  service: ServiceName;
  version?: string;
  /** A service that owns tables: its schema and the folder of its SQL migrations. */
  database?: { schema: string; migrationsDir: string };
}
