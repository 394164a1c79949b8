import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { AtsError, GRPC_STATUS_OF_ERROR } from '@autotelesale/contracts';

/**
 * An AtsError as a gRPC status: the code mapped, the message as details, and the stable
 * `{ code, message, details }` in trailing metadata (`ats-error-code`, `ats-error-bin`)
 * so a client never parses a message. Anything else is INTERNAL with no internals.
 */
export function toGrpcError(error: unknown): Partial<ServiceError> {
  const ats = error instanceof AtsError ? error : new AtsError('INTERNAL', 'internal error');
  const metadata = new Metadata();
  metadata.set('ats-error-code', ats.code);
  metadata.set('ats-error-bin', Buffer.from(JSON.stringify(ats.toBody())));
  return { code: GRPC_STATUS_OF_ERROR[ats.code] as GrpcStatus, details: ats.message, metadata };
}

/** Reads the typed error back from a gRPC failure (for clients and tests). */
export function atsErrorOf(error: ServiceError): AtsError | undefined {
  const raw = error.metadata?.get('ats-error-bin')[0];
  if (!raw) return undefined;
  const body = JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : raw) as ReturnType<
    AtsError['toBody']
  >;
  return AtsError.fromBody(body);
}
