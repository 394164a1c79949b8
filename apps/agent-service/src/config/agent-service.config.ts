import { z } from 'zod';
import { validationError } from '@autotelesale/contracts';

export const AGENT_SERVICE_CONFIG = Symbol('AGENT_SERVICE_CONFIG');

export interface AgentServiceConfig {
  /**
   * How often the deadline sweeper looks for expired reservations and elapsed wrap-ups
   * (besides the timers it sets for the deadlines it knows of). Bounds how late a deadline
   * is honoured after a restart or a deadline set by another instance.
   */
  sweepIntervalMs: number;
}

const Env = z.object({
  ATS_AGENT_SWEEP_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
});

export function loadAgentServiceConfig(env: NodeJS.ProcessEnv = process.env): AgentServiceConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) throw validationError('environment', parsed.error);
  return { sweepIntervalMs: parsed.data.ATS_AGENT_SWEEP_INTERVAL_MS };
}
