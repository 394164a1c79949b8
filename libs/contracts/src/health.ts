import { z } from 'zod';
import { defineRpc } from './rpc';

export const HealthRequest = z.object({}).strict();

export const DependencyHealth = z.object({
  name: z.string(),
  ok: z.boolean(),
  detail: z.string().optional(),
});

export const HealthReply = z.object({
  service: z.string(),
  instanceId: z.string(),
  version: z.string(),
  uptimeSeconds: z.number().nonnegative(),
  dependencies: z.array(DependencyHealth),
});
export type HealthReply = z.infer<typeof HealthReply>;

export const healthRpc = defineRpc('health', HealthRequest, HealthReply);
