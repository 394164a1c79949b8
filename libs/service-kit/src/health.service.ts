import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Pool } from 'pg';
import { healthRpc, type HealthReply } from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { PG_POOL, SERVICE_CONFIG, SERVICE_KIT_OPTIONS } from './service-kit.constants';
import type { ServiceConfig } from './service-config';
import type { ServiceKitOptions } from './service-kit.options';

export type DependencyCheck = () => Promise<{ ok: boolean; detail?: string }>;

export interface DependencyCheckOptions {
  /**
   * Checks of one group are alternatives: the group is ready when any of them is (the
   * dialer's FreeSWITCH nodes, `freeswitch:<id>` in group `freeswitch`). Without a group a
   * check must pass on its own.
   */
  group?: string;
}

/** One dependency's answer, as the readiness probe and the NATS health operation show it. */
export interface DependencyStatus {
  name: string;
  ok: boolean;
  detail?: string;
  group?: string;
}

/**
 * Knows whether this process can do its work: NATS connected, database answering, and
 * whatever the service registers (the dialer adds its FreeSWITCH nodes; a service that
 * drains registers a check that fails while draining). Answers
 * `<ns>.rpc.<service>.health` over NATS and backs the HTTP readiness probe.
 */
@Injectable()
export class HealthService implements OnApplicationBootstrap {
  private readonly startedAt = Date.now();
  private readonly checks = new Map<string, { check: DependencyCheck; group?: string }>();

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

  register(name: string, check: DependencyCheck, options: DependencyCheckOptions = {}): void {
    this.checks.set(name, { check, group: options.group });
  }

  /** Every check, run at once; a check that throws is down with its message. */
  async dependencies(): Promise<DependencyStatus[]> {
    return Promise.all(
      [...this.checks].map(async ([name, { check, group }]) => {
        const grouped = group === undefined ? {} : { group };
        try {
          return { name, ...(await check()), ...grouped };
        } catch (error) {
          return { name, ok: false, detail: (error as Error).message, ...grouped };
        }
      }),
    );
  }

  /** Liveness: the process runs and its NATS client has not given up for good. */
  isAlive(): boolean {
    return !this.bus.nc.isClosed();
  }

  async report(): Promise<HealthReply> {
    const dependencies = (await this.dependencies()).map(({ name, ok, detail }) =>
      detail === undefined ? { name, ok } : { name, ok, detail },
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

/**
 * Readiness from the dependencies: every ungrouped check up, and in each group at least one.
 * Pure, so the rule is tested without a service.
 */
export function readiness(dependencies: DependencyStatus[]): { ready: boolean; down: string[] } {
  const down: string[] = [];
  const groups = new Map<string, DependencyStatus[]>();
  for (const d of dependencies) {
    if (d.group === undefined) {
      if (!d.ok) down.push(d.name);
    } else groups.set(d.group, [...(groups.get(d.group) ?? []), d]);
  }
  for (const [group, members] of groups) if (!members.some((m) => m.ok)) down.push(group);
  return { ready: down.length === 0, down };
}
