import { randomUUID } from 'node:crypto';

let instanceId: string | undefined;

/**
 * One id per process, shared by the logger (`instanceId`) and the trace resource
 * (`service.instance.id`) so a log line and a span from the same replica can be joined.
 * `SERVICE_INSTANCE_ID` lets a deployment choose it (for example the pod name); otherwise a
 * random UUID, which the phone-number masking is guaranteed to leave intact.
 */
export function getInstanceId(): string {
  instanceId ??= process.env['SERVICE_INSTANCE_ID']?.trim() || randomUUID();
  return instanceId;
}
