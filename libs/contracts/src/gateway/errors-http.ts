import type { ErrorCode } from '../errors';

/**
 * The HTTP status of each error code. VALIDATION_FAILED is 400 when the gateway itself
 * rejects the request's shape, and 422 when a service rejects a well-formed request
 * (an impossible state change, a field it cannot accept).
 */
export const HTTP_STATUS_OF_ERROR: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
};

/** gRPC status codes (grpc/status.h), so libs stay free of @grpc imports. */
export const GRPC_STATUS_OF_ERROR: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 3, // INVALID_ARGUMENT
  NOT_FOUND: 5,
  CONFLICT: 10, // ABORTED: most conflicts are lost races (a taken agent, a used key)
  FORBIDDEN: 7, // PERMISSION_DENIED
  UNAUTHENTICATED: 16,
  TIMEOUT: 4, // DEADLINE_EXCEEDED
  UNAVAILABLE: 14,
  RATE_LIMITED: 8, // RESOURCE_EXHAUSTED
  INTERNAL: 13,
};
