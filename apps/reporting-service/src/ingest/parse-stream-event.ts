import { AtsError, parseEvent, type EventDefinition, type EventEnvelope } from '@autotelesale/contracts';
import type { z } from 'zod';

/** What to do with one event of a stream. */
export type StreamEventVerdict<T> =
  { kind: 'apply'; event: T } | { kind: 'ignore' } | { kind: 'reject'; reason: string; details?: unknown };

/**
 * Validates an event against the definition of its type. A type this service does not
 * use is ignored (streams carry more than reporting reads, and new types appear before
 * every consumer knows them); a known type at another schema version, or whose payload
 * breaks its schema, can never be applied and is rejected.
 */
export function parseStreamEvent<D extends EventDefinition<string, z.ZodType>>(
  definitions: readonly D[],
  envelope: EventEnvelope,
): StreamEventVerdict<{ definition: D; payload: z.output<D['payload']> }> {
  const definition = definitions.find((d) => d.type === envelope.type);
  if (!definition) return { kind: 'ignore' };
  if (envelope.schemaVersion !== definition.schemaVersion) {
    return {
      kind: 'reject',
      reason: `unsupported schema version ${envelope.schemaVersion} of ${envelope.type}`,
    };
  }
  try {
    const parsed = parseEvent(definition, envelope);
    return { kind: 'apply', event: { definition, payload: parsed.payload as z.output<D['payload']> } };
  } catch (error) {
    if (error instanceof AtsError) return { kind: 'reject', reason: error.message, details: error.details };
    throw error;
  }
}
