/**
 * PostgreSQL's answers that mean "run the transaction again": it changed nothing and the
 * server aborted it to resolve a conflict between concurrent transactions.
 */
const DEADLOCK_DETECTED = '40P01';
const SERIALIZATION_FAILURE = '40001';

const codeOf = (error: unknown): unknown =>
  error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;

/** PostgreSQL chose this transaction as a deadlock's victim. */
export function isDeadlock(error: unknown): boolean {
  return codeOf(error) === DEADLOCK_DETECTED;
}

/** A serializable (or repeatable read) transaction lost to a concurrent one. */
export function isSerializationFailure(error: unknown): boolean {
  return codeOf(error) === SERIALIZATION_FAILURE;
}
