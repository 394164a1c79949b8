import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@autotelesale/service-kit';
import {
  createCounter,
  createGauge,
  createHistogram,
  type CounterMetric,
  type GaugeMetric,
  type HistogramMetric,
} from '@autotelesale/telemetry';

/** What the gateway counts: requests by route template (never by id) and outcome, on both transports. */
@Injectable()
export class GatewayMetrics {
  readonly httpRequests: CounterMetric<'method' | 'route' | 'status'>;
  readonly httpDuration: HistogramMetric<'method' | 'route'>;
  readonly grpcCalls: CounterMetric<'method' | 'code'>;
  readonly grpcStreams: GaugeMetric<'method'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.httpRequests = createCounter(registry, {
      name: 'autotelesale_gateway_http_requests_total',
      help: 'REST requests answered, by route template and status code',
      labelNames: ['method', 'route', 'status'],
    });
    this.httpDuration = createHistogram(registry, {
      name: 'autotelesale_gateway_http_request_duration_seconds',
      help: 'REST request duration, by route template',
      labelNames: ['method', 'route'],
    });
    this.grpcCalls = createCounter(registry, {
      name: 'autotelesale_gateway_grpc_calls_total',
      help: 'gRPC calls finished, by method and status code name',
      labelNames: ['method', 'code'],
    });
    this.grpcStreams = createGauge(registry, {
      name: 'autotelesale_gateway_grpc_open_streams',
      help: 'Server streams (call results, screen-pops) open now',
      labelNames: ['method'],
    });
  }
}

/**
 * Counts every REST request when its response is finished, under the route template
 * Express matched (`/api/v1/campaigns/:campaignId`), so ids never become label values;
 * requests that matched no route count as `unmatched`.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: GatewayMetrics) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const routePath = (request.route as { path?: string } | undefined)?.path;
      const route = routePath ? `${request.baseUrl}${routePath}` : 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.metrics.httpRequests.inc({ method: request.method, route, status: response.statusCode });
      this.metrics.httpDuration.observe({ method: request.method, route }, seconds);
    });
    next();
  }
}
