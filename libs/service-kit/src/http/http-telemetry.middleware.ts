import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { extractTraceContext, type TraceHeaders } from '@autotelesale/telemetry';
import { ServiceMetrics } from '../metrics/service-metrics';
import type { ServiceConfig } from '../service-config';
import { SERVICE_CONFIG } from '../service-kit.constants';

/** Probes and scrapes come every few seconds: measured, but not traced. */
const UNTRACED = /^\/(health\/|metrics$)/;

function requestHeaders(request: Request): TraceHeaders {
  return {
    get: (key) => {
      const value = request.headers[key];
      return Array.isArray(value) ? value[0] : value;
    },
    set: () => undefined,
    keys: () => Object.keys(request.headers),
  };
}

/**
 * Every HTTP request of every service: a SERVER span (continuing a `traceparent` the client
 * sent) that is active while Nest handles the request, so the NATS requests it makes carry
 * the trace on; and the latency histogram. Both are named by the route template Express
 * matched (`/api/v1/campaigns/:campaignId`), never by the URL, which holds ids and queries.
 */
@Injectable()
export class HttpTelemetryMiddleware implements NestMiddleware {
  constructor(
    private readonly metrics: ServiceMetrics,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    // originalUrl: `path` is relative to where Nest mounted the middleware.
    const traced = !UNTRACED.test(request.originalUrl.split('?')[0] ?? '');
    const parent = extractTraceContext(requestHeaders(request), ROOT_CONTEXT);
    const span = traced
      ? trace
          .getTracer(this.config.service)
          .startSpan(
            `${request.method}`,
            { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method } },
            parent,
          )
      : undefined;
    let done = false;
    // `finish` when the response was sent; `close` alone when the client went away first.
    const end = () => {
      if (done) return;
      done = true;
      const routePath = (request.route as { path?: string } | undefined)?.path;
      const route = routePath ? `${request.baseUrl}${routePath}` : 'unmatched';
      const status = response.statusCode;
      this.metrics.httpDuration.observe(
        { method: request.method, route, status },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
      if (!span) return;
      span.updateName(`${request.method} ${route}`);
      span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    response.once('finish', end);
    response.once('close', end);
    if (span) context.with(trace.setSpan(parent, span), next);
    else next();
  }
}
