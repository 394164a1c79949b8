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
  /**
   * How long a published event stays in the outbox (`agent_event_outbox`) before it is
   * deleted: the stream has it, and the table would otherwise grow by every state change
   * (about four per call).
   */
  outboxRetentionMinutes: number;
}

const Env = z.object({
  ATS_AGENT_SWEEP_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
  ATS_AGENT_OUTBOX_RETENTION_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
});

export function loadAgentServiceConfig(env: NodeJS.ProcessEnv = process.env): AgentServiceConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) throw validationError('environment', parsed.error);
  return {
    sweepIntervalMs: parsed.data.ATS_AGENT_SWEEP_INTERVAL_MS,
    outboxRetentionMinutes: parsed.data.ATS_AGENT_OUTBOX_RETENTION_MINUTES,
  };
}
