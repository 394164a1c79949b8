import { AtsError } from '@autotelesale/contracts';
import { ReportingDomainError } from '@autotelesale/reporting-domain';

/** A domain refusal is the caller's mistake (VALIDATION_FAILED); anything else passes through. */
export function toAtsError(error: unknown): unknown {
  if (error instanceof ReportingDomainError) {
    return new AtsError('VALIDATION_FAILED', error.message, { reason: error.code, ...(error.details ?? {}) });
  }
  return error;
}
