import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AtsError, validationError } from '@autotelesale/contracts';

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

const GatewayEnv = z.object({
  NODE_ENV: z.string().optional(),
  ATS_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ATS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  ATS_ADMIN_EMAIL: z.email().optional(),
  ATS_ADMIN_PASSWORD: z.string().min(10).optional(),
  ATS_GRPC_PORT: z.coerce.number().int().min(0).max(65535).default(50051),
  ATS_GRPC_HOST: z.string().optional(),
  ATS_HTTP_HOST: z.string().default('0.0.0.0'),
});

export interface GatewayConfig {
  /** HMAC key of session tokens. */
  tokenSecret: Buffer;
  /** True when the secret was generated at start-up (dev only: tokens die with the process). */
  tokenSecretGenerated: boolean;
  tokenTtlSeconds: number;
  firstAdmin?: { email: string; password: string };
  grpcPort: number;
  grpcHost: string;
}

/**
 * The gateway's own settings. Without ATS_TOKEN_SECRET a production gateway refuses to
 * start (tokens signed by a random key would break on every restart and differ between
 * replicas); elsewhere a random one is generated and the caller warns.
 */
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const parsed = GatewayEnv.safeParse(env);
  if (!parsed.success) throw validationError('gateway environment', parsed.error);
  const e = parsed.data;
  if (!e.ATS_TOKEN_SECRET && e.NODE_ENV === 'production') {
    throw new AtsError('VALIDATION_FAILED', 'ATS_TOKEN_SECRET is required when NODE_ENV=production');
  }
  if (Boolean(e.ATS_ADMIN_EMAIL) !== Boolean(e.ATS_ADMIN_PASSWORD)) {
    throw new AtsError('VALIDATION_FAILED', 'set both ATS_ADMIN_EMAIL and ATS_ADMIN_PASSWORD, or neither');
  }
  return {
    tokenSecret: e.ATS_TOKEN_SECRET ? Buffer.from(e.ATS_TOKEN_SECRET, 'utf8') : randomBytes(32),
    tokenSecretGenerated: !e.ATS_TOKEN_SECRET,
    tokenTtlSeconds: e.ATS_TOKEN_TTL_SECONDS,
    firstAdmin:
      e.ATS_ADMIN_EMAIL && e.ATS_ADMIN_PASSWORD
        ? { email: e.ATS_ADMIN_EMAIL.toLowerCase(), password: e.ATS_ADMIN_PASSWORD }
        : undefined,
    grpcPort: e.ATS_GRPC_PORT,
    grpcHost: e.ATS_GRPC_HOST ?? e.ATS_HTTP_HOST,
  };
}
