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
  ATS_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  ATS_LOGIN_IP_MAX_FAILURES: z.coerce.number().int().min(0).max(100_000).default(50),
  ATS_LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  ATS_LOGIN_LOCK_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  ATS_HTTP_TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2}|[0-9a-fA-F.:/,\s]+|loopback|linklocal|uniquelocal)$/, {
      message: 'true, false, a hop count, or comma-separated addresses/subnets',
    })
    .optional(),
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
  /** Failed sign-ins: per account, and per client address (0 = off), in one window. */
  loginThrottle: {
    accountMaxFailures: number;
    ipMaxFailures: number;
    windowMs: number;
    lockMs: number;
  };
  /**
   * Express `trust proxy`: which proxies' X-Forwarded-For to believe for the client
   * address. Unset: none (the socket's address is the client's).
   */
  trustProxy?: boolean | number | string;
}

function parseTrustProxy(value: string | undefined): boolean | number | string | undefined {
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) return Number(value);
  return value;
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
    loginThrottle: {
      accountMaxFailures: e.ATS_LOGIN_MAX_FAILURES,
      ipMaxFailures: e.ATS_LOGIN_IP_MAX_FAILURES,
      windowMs: e.ATS_LOGIN_WINDOW_SECONDS * 1000,
      lockMs: e.ATS_LOGIN_LOCK_SECONDS * 1000,
    },
    trustProxy: parseTrustProxy(e.ATS_HTTP_TRUST_PROXY),
  };
}
