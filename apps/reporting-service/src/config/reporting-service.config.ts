import { z } from 'zod';
import { validationError } from '@autotelesale/contracts';

export const REPORTING_SERVICE_CONFIG = Symbol('REPORTING_SERVICE_CONFIG');

const Env = z.object({
  /** The database-read gauges (abandon ratio, agents, occupancy) are re-read at most this often. */
  ATS_REPORTING_GAUGE_REFRESH_MS: z.coerce.number().int().min(0).max(300_000).default(5_000),
  /** A message not acknowledged in this long is delivered again. */
  ATS_REPORTING_ACK_WAIT_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
});

export interface ReportingServiceConfig {
  gaugeRefreshMs: number;
  ackWaitMs: number;
}

export function loadReportingServiceConfig(env: NodeJS.ProcessEnv = process.env): ReportingServiceConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) throw validationError('reporting-service environment', parsed.error);
  return {
    gaugeRefreshMs: parsed.data.ATS_REPORTING_GAUGE_REFRESH_MS,
    ackWaitMs: parsed.data.ATS_REPORTING_ACK_WAIT_MS,
  };
}
