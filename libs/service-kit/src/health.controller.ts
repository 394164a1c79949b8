import { Controller, Get } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorFunction,
} from '@nestjs/terminus';
import { HealthService, readiness } from './health.service';

/**
 * Kubernetes probes (@nestjs/terminus): liveness says the process runs and its NATS client
 * has not given up; readiness that NATS, PostgreSQL and what the service registered answer
 * (for the dialer, at least one FreeSWITCH node). 200 with `status: ok`, else 503 with
 * `status: error` and the failing dependencies under `error`.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly probes: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly health: HealthService,
  ) {}

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.probes.check([
      () => {
        const process = this.indicators.check('process');
        return this.health.isAlive() ? process.up() : process.down({ message: 'NATS client closed' });
      },
    ]);
  }

  @Get('ready')
  @HealthCheck()
  async ready(): Promise<HealthCheckResult> {
    const dependencies = await this.health.dependencies();
    const { down } = readiness(dependencies);
    const detail = (d: { detail?: string }): Record<string, string> =>
      d.detail === undefined ? {} : { detail: d.detail };
    // One indicator per ungrouped dependency; one per group, up when any member is, with its members.
    const indicators: HealthIndicatorFunction[] = dependencies
      .filter((d) => d.group === undefined)
      .map((d) => () => {
        const session = this.indicators.check(d.name);
        return d.ok ? session.up(detail(d)) : session.down(detail(d));
      });
    for (const group of new Set(dependencies.flatMap((d) => (d.group === undefined ? [] : [d.group])))) {
      const members = Object.fromEntries(
        dependencies.filter((d) => d.group === group).map((d) => [d.name, { ok: d.ok, ...detail(d) }]),
      );
      indicators.push(() => {
        const session = this.indicators.check(group);
        return down.includes(group) ? session.down({ members }) : session.up({ members });
      });
    }
    return this.probes.check(indicators);
  }
}
