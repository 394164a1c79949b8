/** Stable codes for everything libs/pacing can reject; callers switch on `code`, never on text. */
export type PacingErrorCode =
  'PACING_INVALID_ARGUMENT' | 'PACING_INVALID_SCENARIO' | 'PACING_INVALID_DISTRIBUTION';

export class PacingError extends Error {
  constructor(
    readonly code: PacingErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'PacingError';
  }
}
