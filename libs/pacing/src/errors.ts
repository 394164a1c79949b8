/** Stable codes for everything libs/pacing can reject; callers switch on `code`, never on text. */
export type PacingErrorCode =
  | 'PACING_INVALID_ARGUMENT'
  | 'PACING_INVALID_SCENARIO'
  | 'PACING_INVALID_DISTRIBUTION'
  /** A saved pacer state that does not fit this pacer (other settings, another version, bad numbers). */
  | 'PACING_INVALID_STATE';

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
