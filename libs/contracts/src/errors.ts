import { z } from 'zod';

/** Stable error codes carried by every error reply, REST body and gRPC status detail. */
export const ErrorCode = z.enum([
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'CONFLICT',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'TIMEOUT',
  'UNAVAILABLE',
  /** Too many attempts (e.g. failed sign-ins): `details.retryAfterSeconds` says when to retry. */
  'RATE_LIMITED',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.unknown().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** A typed error that crosses service boundaries intact. */
export class AtsError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AtsError';
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromBody(body: ErrorBody): AtsError {
    return new AtsError(body.code, body.message, body.details);
  }
}

/** Turns a zod failure into the VALIDATION_FAILED error with one detail per issue. */
export function validationError(what: string, error: z.ZodError): AtsError {
  return new AtsError(
    'VALIDATION_FAILED',
    `invalid ${what}`,
    error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  );
}
