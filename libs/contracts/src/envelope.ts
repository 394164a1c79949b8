import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { validationError } from './errors';

/**
 * Every event published to JetStream is wrapped in this envelope. `id` is unique per
 * event (it is also sent as `Nats-Msg-Id`, so the server drops a re-published copy);
 * `aggregateVersion` increases by one per change of the aggregate, so a consumer can
 * ignore replays and detect gaps.
 */
export const EventEnvelope = z.object({
  id: z.uuid(),
  type: z.string().min(1).max(100),
  schemaVersion: z.number().int().positive(),
  aggregateId: z.string().min(1).max(200),
  aggregateVersion: z.number().int().nonnegative(),
  occurredAt: z.iso.datetime({ offset: true }),
  producer: z.string().min(1).max(100),
  payload: z.unknown(),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** A typed event kind: its name, schema version and payload schema. */
export interface EventDefinition<TType extends string, TPayload extends z.ZodType> {
  readonly type: TType;
  readonly schemaVersion: number;
  readonly payload: TPayload;
}

export function defineEvent<TType extends string, TPayload extends z.ZodType>(
  type: TType,
  schemaVersion: number,
  payload: TPayload,
): EventDefinition<TType, TPayload> {
  return { type, schemaVersion, payload };
}

export interface TypedEnvelope<TType extends string, TPayload> extends Omit<
  EventEnvelope,
  'type' | 'payload'
> {
  type: TType;
  payload: TPayload;
}

export function createEvent<TType extends string, TPayload extends z.ZodType>(
  definition: EventDefinition<TType, TPayload>,
  fields: {
    aggregateId: string;
    aggregateVersion: number;
    producer: string;
    payload: z.input<TPayload>;
    id?: string;
    occurredAt?: Date;
  },
): TypedEnvelope<TType, z.output<TPayload>> {
  const payload = definition.payload.safeParse(fields.payload);
  if (!payload.success) throw validationError(`${definition.type} payload`, payload.error);
  return {
    id: fields.id ?? randomUUID(),
    type: definition.type,
    schemaVersion: definition.schemaVersion,
    aggregateId: fields.aggregateId,
    aggregateVersion: fields.aggregateVersion,
    occurredAt: (fields.occurredAt ?? new Date()).toISOString(),
    producer: fields.producer,
    payload: payload.data,
  };
}

/** Validates a received event against its envelope and its definition. */
export function parseEvent<TType extends string, TPayload extends z.ZodType>(
  definition: EventDefinition<TType, TPayload>,
  raw: unknown,
): TypedEnvelope<TType, z.output<TPayload>> {
  const envelope = EventEnvelope.safeParse(raw);
  if (!envelope.success) throw validationError('event envelope', envelope.error);
  if (envelope.data.type !== definition.type) {
    throw validationError(
      'event type',
      new z.ZodError([
        {
          code: 'custom',
          path: ['type'],
          message: `expected ${definition.type}, got ${envelope.data.type}`,
          input: envelope.data.type,
        },
      ]),
    );
  }
  const payload = definition.payload.safeParse(envelope.data.payload);
  if (!payload.success) throw validationError(`${definition.type} payload`, payload.error);
  return { ...envelope.data, type: definition.type, payload: payload.data };
}
