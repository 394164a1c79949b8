import { AtsError, type ErrorBody } from '@autotelesale/contracts';
import { AgentDomainError } from '@autotelesale/agent-domain';

/**
 * A refusal of the agent's rules reaches the caller as CONFLICT, with the rule's stable
 * code as `details.reason` (and the rule's facts beside it); anything else is left as is
 * (the bus turns a non-AtsError into INTERNAL and reports it).
 */
export function toAtsError(error: unknown): unknown {
  if (error instanceof AgentDomainError) {
    return new AtsError('CONFLICT', error.message, { reason: error.code, ...error.details });
  }
  return error;
}

/** One change's error inside a batch reply: as toAtsError makes it, anything unexpected as INTERNAL. */
export function errorBodyOf(error: unknown): ErrorBody {
  const typed = toAtsError(error);
  return typed instanceof AtsError ? typed.toBody() : { code: 'INTERNAL', message: String(error) };
}
