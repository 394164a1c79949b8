import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { AtsError, HTTP_STATUS_OF_ERROR, type ErrorBody, type ErrorCode } from '@autotelesale/contracts';

/** Marks a VALIDATION_FAILED raised by the gateway's own boundary checks (HTTP 400, not 422). */
export class BoundaryValidationError extends AtsError {
  constructor(message: string, details?: unknown) {
    super('VALIDATION_FAILED', message, details);
  }
}

const CODE_OF_HTTP_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'RATE_LIMITED',
  413: 'VALIDATION_FAILED',
  415: 'VALIDATION_FAILED',
  422: 'VALIDATION_FAILED',
  503: 'UNAVAILABLE',
  504: 'TIMEOUT',
};

/**
 * Every error of the REST API leaves as `{ code, message, details }` with the status of
 * its code. A VALIDATION_FAILED from a service (the request was well-formed, the service
 * refused it) is 422; the gateway's own shape checks are 400. Anything unexpected is a
 * logged INTERNAL with no internals in the body.
 */
@Catch()
export class AtsExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('AtsExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.toHttp(exception);
    if (response.headersSent) {
      response.end();
      return;
    }
    const retryAfter = (body.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (status === 429 && typeof retryAfter === 'number')
      response.setHeader('Retry-After', String(retryAfter));
    response.status(status).json(body);
  }

  toHttp(exception: unknown): { status: number; body: ErrorBody } {
    if (exception instanceof BoundaryValidationError) return { status: 400, body: exception.toBody() };
    if (exception instanceof AtsError) {
      const status = exception.code === 'VALIDATION_FAILED' ? 422 : HTTP_STATUS_OF_ERROR[exception.code];
      return { status, body: exception.toBody() };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = CODE_OF_HTTP_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED');
      return { status, body: { code, message: exception.message } };
    }
    // body-parser errors (bad JSON, body too large) carry their own status.
    const parserStatus = (exception as { status?: unknown; type?: unknown })?.status;
    if (typeof parserStatus === 'number' && parserStatus >= 400 && parserStatus < 500) {
      return {
        status: parserStatus,
        body: {
          code: CODE_OF_HTTP_STATUS[parserStatus] ?? 'VALIDATION_FAILED',
          message: (exception as Error).message,
        },
      };
    }
    this.logger.error({ err: exception instanceof Error ? exception.stack : String(exception) });
    return { status: 500, body: { code: 'INTERNAL', message: 'internal error' } };
  }
}
