import {
  context,
  ROOT_CONTEXT,
  trace,
  type Context,
  type Link,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * The least a header map must offer to carry trace context. NATS `MsgHdrs` fits as is
 * (`get` answers `""` for a missing key); so does a small wrapper around a plain object.
 */
export interface TraceHeaders {
  get(key: string): string | null | undefined;
  set(key: string, value: string): void;
  keys?(): string[];
}

/**
 * W3C Trace Context (`traceparent`, `tracestate`) and Baggage, fixed rather than taken from
 * the global propagator: a service running without the SDK still passes the caller's trace
 * on (the no-op tracer keeps the remote parent), so one disabled hop does not cut a trace.
 */
const propagator = new CompositePropagator({
  propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
});

const setter: TextMapSetter<TraceHeaders> = {
  set: (headers, key, value) => headers.set(key, value),
};

const getter: TextMapGetter<TraceHeaders> = {
  // MsgHdrs answers "" for a missing header; the propagators expect undefined.
  get: (headers, key) => headers.get(key) || undefined,
  keys: (headers) => headers.keys?.() ?? [],
};

/** Writes the trace context of `ctx` (the active one by default) into outgoing message headers. */
export function injectTraceContext(headers: TraceHeaders, ctx: Context = context.active()): void {
  propagator.inject(ctx, headers, setter);
}

/**
 * Reads the trace context of incoming message headers into a context derived from `base`
 * (the active one by default). Pass it as `parent` to `withSpan`, or run the handler inside
 * `context.with(...)`, so the handler's spans join the sender's trace.
 */
export function extractTraceContext(headers: TraceHeaders, base: Context = context.active()): Context {
  return propagator.extract(base, headers, getter);
}

/**
 * Links to the senders' spans of several received messages (a batch handled at once has
 * many parents: it links to each instead). Messages without trace context add nothing.
 */
export function traceLinksFromHeaders(headers: Iterable<TraceHeaders | undefined>): Link[] {
  const links: Link[] = [];
  for (const h of headers) {
    if (!h) continue;
    const spanContext = trace.getSpanContext(extractTraceContext(h, ROOT_CONTEXT));
    if (spanContext) links.push({ context: spanContext });
  }
  return links;
}
