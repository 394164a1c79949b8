/**
 * Stable codes of the errors this lib throws. They signal programming mistakes (a phone
 * number about to become a metric label, a badly named metric), so callers fix the call
 * site rather than catch them; the code lets tests and alerts match them exactly.
 */
export type TelemetryErrorCode =
  'METRIC_LABEL_PHONE_NUMBER' | 'METRIC_LABEL_RESERVED' | 'METRIC_NAME_INVALID' | 'LOG_LEVEL_INVALID';

export class TelemetryError extends Error {
  constructor(
    readonly code: TelemetryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TelemetryError';
  }
}
