import { z } from 'zod';
import { AtsError, DEFAULT_NAMESPACE, validationError, type ServiceName } from '@autotelesale/contracts';

/** Default HTTP ports (health, metrics, and the gateway's API) when ATS_HTTP_PORT is unset. */
export const DEFAULT_HTTP_PORTS: Record<ServiceName, number> = {
  gateway: 3000,
  campaign: 3101,
  dialer: 3102,
  agent: 3103,
  reporting: 3104,
};

const EnvSchema = z.object({
  ATS_NATS_URL: z.string().min(1).default('nats://127.0.0.1:4222'),
  ATS_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/)
    .default(DEFAULT_NAMESPACE),
  ATS_DATABASE_URL: z.string().url().optional(),
  ATS_HTTP_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  ATS_HTTP_HOST: z.string().default('0.0.0.0'),
  ATS_MIGRATE_ON_START: z.enum(['true', 'false']).default('true'),
  ATS_INSTANCE_ID: z.string().min(1).optional(),
});

export interface ServiceConfig {
  service: ServiceName;
  instanceId: string;
  natsUrl: string;
  namespace: string;
  databaseUrl?: string;
  httpPort: number;
  httpHost: string;
  migrateOnStart: boolean;
}

/** Reads and validates the process environment once, at start-up; a bad value stops the start. */
export function loadServiceConfig(
  service: ServiceName,
  env: NodeJS.ProcessEnv = process.env,
  needsDatabase = false,
): ServiceConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw validationError('environment', parsed.error);
  const e = parsed.data;
  if (needsDatabase && !e.ATS_DATABASE_URL) {
    throw new AtsError(
      'VALIDATION_FAILED',
      `${service} needs ATS_DATABASE_URL (postgres://user@host:port/database)`,
    );
  }
  return {
    service,
    instanceId: e.ATS_INSTANCE_ID ?? `${service}-${process.pid}`,
    natsUrl: e.ATS_NATS_URL,
    namespace: e.ATS_NAMESPACE,
    databaseUrl: e.ATS_DATABASE_URL,
    httpPort: e.ATS_HTTP_PORT ?? DEFAULT_HTTP_PORTS[service],
    httpHost: e.ATS_HTTP_HOST,
    migrateOnStart: e.ATS_MIGRATE_ON_START === 'true',
  };
}
