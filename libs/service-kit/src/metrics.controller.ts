import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { metricsHandler } from '@autotelesale/telemetry';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from './service-kit.constants';

/** Prometheus scrape endpoint of the service. */
@Controller()
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async metrics(@Res() response: Response): Promise<void> {
    const { contentType, body } = await metricsHandler(this.registry);
    response.setHeader('Content-Type', contentType);
    response.send(body);
  }
}
