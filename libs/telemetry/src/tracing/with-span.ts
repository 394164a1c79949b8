import {
  context,
  type Attributes,
  type AttributeValue,
  type Context,
  type Link,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { maskPhoneNumbers } from '../masking/mask-phone-numbers';

export interface WithSpanOptions {
  kind?: SpanKind;
  /** Parent context, typically `extractTraceContext(msg.headers)`; the active context by default. */
  parent?: Context;
  /** Spans this one relates to without being their child: the publishers of a consumed batch. */
  links?: Link[];
}

function maskAttribute(value: AttributeValue | undefined): AttributeValue | undefined {
  if (typeof value === 'string') return maskPhoneNumbers(value);
  if (Array.isArray(value) && value.some((item) => typeof item === 'string')) {
    return value.map((item) => (typeof item === 'string' ? maskPhoneNumbers(item) : item)) as AttributeValue;
  }
  return value;
}

/** Span attributes leave the process like logs do, so they are masked the same way. */
function maskAttributes(attributes: Attributes): Attributes {
  const masked: Attributes = {};
  for (const key in attributes) masked[key] = maskAttribute(attributes[key]);
  return masked;
}

function recordFailure(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  const message = maskPhoneNumbers(err.message);
  span.recordException({
    name: err.name,
    message,
    ...(err.stack === undefined ? {} : { stack: maskPhoneNumbers(err.stack) }),
  });
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  // Our typed errors carry a stable code (AtsError, TelemetryError): the best error.type there is.
  const code = (error as { code?: unknown } | null)?.code;
  span.setAttribute('error.type', typeof code === 'string' ? code : err.name);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/**
 * Runs `fn` inside a new active span and ends it when `fn` returns or its promise settles.
 * A throw or rejection is recorded as an exception event and sets the status to ERROR, then
 * propagates unchanged. Success leaves the status UNSET, as the OpenTelemetry spec asks of
 * instrumentation. String attributes and exception texts are phone-masked.
 */
export function withSpan<T>(
  tracerName: string,
  spanName: string,
  attributes: Attributes,
  fn: (span: Span) => T,
  options: WithSpanOptions = {},
): T {
  const tracer = trace.getTracer(tracerName);
  const parent = options.parent ?? context.active();
  return tracer.startActiveSpan(
    spanName,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      attributes: maskAttributes(attributes),
      ...(options.links ? { links: options.links } : {}),
    },
    parent,
    (span) => {
      let result: T;
      try {
        result = fn(span);
      } catch (error) {
        recordFailure(span, error);
        span.end();
        throw error;
      }
      if (!isPromiseLike(result)) {
        span.end();
        return result;
      }
      return Promise.resolve(result).then(
        (value) => {
          span.end();
          return value;
        },
        (error: unknown) => {
          recordFailure(span, error);
          span.end();
          throw error;
        },
      ) as T;
    },
  );
}
