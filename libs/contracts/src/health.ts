import { z } from 'zod';
import { defineRpc, type RpcDefinition } from './rpc';
import { SERVICE_NAMES, type ServiceName } from './topology';

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

const HEALTH_RPCS = new Map(
  SERVICE_NAMES.map((service) => [service, defineRpc(service, 'health', HealthRequest, HealthReply)]),
);

/** Every service answers `health` with its dependencies' state. */
export function healthRpc(service: ServiceName): RpcDefinition<typeof HealthRequest, typeof HealthReply> {
  return HEALTH_RPCS.get(service)!;
}
