import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Pool } from 'pg';
import { healthRpc, type HealthReply } from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { PG_POOL, SERVICE_CONFIG, SERVICE_KIT_OPTIONS } from './service-kit.constants';
import type { ServiceConfig } from './service-config';
import type { ServiceKitOptions } from './service-kit.options';

export type DependencyCheck = () => Promise<{ ok: boolean; detail?: string }>;

/**
 * Knows whether this process can do its work: NATS connected, database answering, and
 * whatever the service registers (the dialer adds its FreeSWITCH nodes). Answers
 * `<ns>.rpc.<service>.health` over NATS and backs the HTTP readiness probe.
 */
@Injectable()
export class HealthService implements OnApplicationBootstrap {
  private readonly startedAt = Date.now();
  private readonly checks = new Map<string, DependencyCheck>();

  constructor(
    private readonly bus: NatsBus,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(SERVICE_KIT_OPTIONS) private readonly options: ServiceKitOptions,
    @Inject(PG_POOL) pool: Pool | null,
  ) {
    this.register('nats', async () => ({ ok: !bus.nc.isClosed(), detail: bus.nc.getServer() }));
    if (pool) {
      this.register('postgres', async () => {
        await pool.query('SELECT 1');
        return { ok: true };
      });
    }
  }

  register(name: string, check: DependencyCheck): void {
    this.checks.set(name, check);
  }

  async report(): Promise<HealthReply> {
    const dependencies = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        try {
          return { name, ...(await check()) };
        } catch (error) {
          return { name, ok: false, detail: (error as Error).message };
        }
      }),
    );
    return {
      service: this.config.service,
      instanceId: this.config.instanceId,
      version: this.options.version ?? '0.1.0',
      uptimeSeconds: (Date.now() - this.startedAt) / 1000,
      dependencies,
    };
  }

  onApplicationBootstrap(): void {
    this.bus.serve(healthRpc(this.config.service), () => this.report());
  }
}
