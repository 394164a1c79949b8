/** Stable codes for everything libs/dialer-domain rejects; callers switch on `code`, never on text. */
export type DialerErrorCode =
  | 'DIALER_INVALID_NODE_CONFIG'
  | 'DIALER_INVALID_ARGUMENT'
  | 'DIALER_ILLEGAL_TRANSITION'
  | 'DIALER_NOT_YOUR_PREVIEW';

export class DialerError extends Error {
  constructor(
    readonly code: DialerErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DialerError';
  }
}
