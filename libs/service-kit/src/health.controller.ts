import { Controller, Get, HttpCode, HttpException, HttpStatus } from '@nestjs/common';
import { HealthService } from './health.service';

/** Kubernetes probes: liveness says the process runs; readiness that its dependencies answer. */
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  @HttpCode(200)
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready() {
    const report = await this.health.report();
    if (report.dependencies.every((d) => d.ok)) return { status: 'ok', ...report };
    throw new HttpException({ status: 'unavailable', ...report }, HttpStatus.SERVICE_UNAVAILABLE);
  }
}
