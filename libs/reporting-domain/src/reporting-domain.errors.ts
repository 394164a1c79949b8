/** Stable codes of the reporting domain's refusals; the service maps them to VALIDATION_FAILED. */
export type ReportingDomainErrorCode =
  'REPORTING_INVALID_CURSOR' | 'REPORTING_TOO_MANY_BUCKETS' | 'REPORTING_INVALID_RANGE';

export class ReportingDomainError extends Error {
  constructor(
    readonly code: ReportingDomainErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ReportingDomainError';
  }
}
