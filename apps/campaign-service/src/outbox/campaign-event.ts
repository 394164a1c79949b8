import {
  createEvent,
  type EventDefinition,
  type EventEnvelope,
  type Topology,
} from '@autotelesale/contracts';
import type { z } from 'zod';

export const PRODUCER = 'campaign-service';

/** An event of a campaign, on the campaign's subject, ready for the outbox. */
export function campaignEvent<TType extends string, TPayload extends z.ZodType>(
  topology: Topology,
  campaignId: string,
  definition: EventDefinition<TType, TPayload>,
  aggregate: { id: string; version: number },
  payload: z.input<TPayload>,
): { subject: string; event: EventEnvelope } {
  return {
    subject: topology.events.campaign(campaignId),
    event: createEvent(definition, {
      aggregateId: aggregate.id,
      aggregateVersion: aggregate.version,
      producer: PRODUCER,
      payload,
    }) as EventEnvelope,
  };
}
