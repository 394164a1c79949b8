import { hostname } from 'node:os';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import { getInstanceId } from '../instance-id';
import { maskDeep, type MaskDeepOptions } from '../masking/mask-deep';
import { maskPhoneNumbers } from '../masking/mask-phone-numbers';
import { TelemetryError } from '../telemetry.errors';

export type LogLevel = Level | 'silent';
export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  /** Service name, bound to every line as `service` (for example `dialer-service`). */
  service: string;
  /** Defaults to the `LOG_LEVEL` environment variable, then `info`. */
  level?: LogLevel;
  /** Where JSON lines go; stdout when omitted. Tests pass a stream that collects lines. */
  destination?: DestinationStream;
  /** Bounds of the masking walk over each logged object. */
  masking?: MaskDeepOptions;
}

const LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function resolveLevel(explicit: LogLevel | undefined): LogLevel {
  const level = explicit ?? (process.env['LOG_LEVEL']?.trim().toLowerCase() || 'info');
  if (!LEVELS.includes(level as LogLevel)) {
    throw new TelemetryError('LOG_LEVEL_INVALID', `log level "${level}" is not one of ${LEVELS.join(', ')}`);
  }
  return level as LogLevel;
}

/** Adds the active span's ids so a log line can be found from its trace and back. */
function traceCorrelation(): Record<string, string> {
  const span = trace.getSpan(context.active());
  if (span === undefined) return {};
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/**
 * The service logger: pino JSON lines with `service` and `instanceId` bound, the level as a
 * word, the active trace and span ids, and phone numbers masked in the message, in child
 * bindings and in every string of the logged object (error messages and stacks included).
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const masking = options.masking ?? {};
  const mask = <T>(value: T): T => maskDeep(value, masking);
  const logger = pino(
    {
      level: resolveLevel(options.level),
      base: { service: options.service, instanceId: getInstanceId(), pid: process.pid, hostname: hostname() },
      formatters: {
        level: (label) => ({ level: label }),
        bindings: mask,
        log: mask,
      },
      // pino applies the serializer of the message key to the final, interpolated message.
      // Errors were serialized and masked by the log formatter; pino's own err serializer
      // would serialize the masked copy again and lose its type.
      serializers: {
        msg: (msg: unknown) => (typeof msg === 'string' ? maskPhoneNumbers(msg) : mask(msg)),
        err: (err: unknown) => err,
      },
      mixin: traceCorrelation,
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
  maskChildBindings(logger, mask);
  return logger;
}

/**
 * pino runs `formatters.bindings` on the root's bindings only, never on a child's, so the
 * bindings are masked before they reach pino. Children are prototype-linked to the root, so
 * they and their own children inherit these overrides.
 */
function maskChildBindings(logger: Logger, mask: <T>(value: T) => T): void {
  const child = logger.child;
  const setBindings = logger.setBindings;
  logger.child = function maskedChild(this: Logger, bindings, childOptions) {
    const masked =
      childOptions?.msgPrefix === undefined
        ? childOptions
        : { ...childOptions, msgPrefix: maskPhoneNumbers(childOptions.msgPrefix) };
    return child.call(this, mask(bindings), masked);
  } as Logger['child'];
  logger.setBindings = function maskedSetBindings(this: Logger, bindings) {
    setBindings.call(this, mask(bindings));
  };
}
