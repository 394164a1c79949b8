import {
  DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  OnApplicationShutdown,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Pool } from 'pg';
import { topologyFromEnv } from '@autotelesale/contracts';
import { migrate, quoteSchemaName, withPreparedStatements } from '@autotelesale/db';
import { NatsBus } from '@autotelesale/messaging';
import { createMetricsRegistry } from '@autotelesale/telemetry';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { HealthService } from './health.service';
import { HttpTelemetryMiddleware } from './http/http-telemetry.middleware';
import { ServiceMetrics } from './metrics/service-metrics';
import { loadServiceConfig, type ServiceConfig } from './service-config';
import { METRICS_REGISTRY, PG_POOL, SERVICE_CONFIG, SERVICE_KIT_OPTIONS } from './service-kit.constants';
import type { ServiceKitOptions } from './service-kit.options';

/**
 * What every AutoTelesale service has: validated config, one NATS connection (streams
 * ensured), its database pool with migrations applied, health over NATS and HTTP.
 */
@Global()
@Module({})
export class ServiceKitModule implements OnApplicationShutdown, NestModule {
  constructor(
    private readonly bus: NatsBus,
    @Inject(PG_POOL) private readonly pool: Pool | null,
  ) {}

  static forRoot(options: ServiceKitOptions): DynamicModule {
    return {
      module: ServiceKitModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_KIT_OPTIONS, useValue: options },
        { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry({ service: options.service }) },
        {
          provide: SERVICE_CONFIG,
          useFactory: () => loadServiceConfig(options.service, process.env, Boolean(options.database)),
        },
        {
          provide: NatsBus,
          inject: [SERVICE_CONFIG],
          useFactory: async (config: ServiceConfig) => {
            const logger = new Logger('nats');
            const bus = await NatsBus.connect({
              servers: config.natsUrl,
              name: config.instanceId,
              topology: topologyFromEnv(),
              service: config.service,
              onError: (error, context) => logger.error({ err: String(error), ...context }),
            });
            await bus.ensureStreams();
            return bus;
          },
        },
        {
          provide: PG_POOL,
          inject: [SERVICE_CONFIG],
          useFactory: async (config: ServiceConfig) => {
            if (!options.database || !config.databaseUrl) return null;
            if (config.migrateOnStart) {
              const result = await migrate({
                connectionString: config.databaseUrl,
                schema: options.database.schema,
                migrationsDir: options.database.migrationsDir,
              });
              new Logger('migrate').log(
                `${options.database.schema}: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied`,
              );
            }
            // Unqualified table names mean the service's own schema; an idle client that loses
            // its connection (PostgreSQL restarting) is reported, not fatal: the pool makes a
            // new one for the next query, and the readiness probe shows the outage meanwhile.
            const pool = new Pool(
              withPreparedStatements({
                connectionString: config.databaseUrl,
                max: 10,
                options: `-c search_path=${quoteSchemaName(options.database.schema)}`,
              }),
            );
            const logger = new Logger('postgres');
            pool.on('error', (error) => logger.error(`idle PostgreSQL client failed: ${error.message}`));
            return pool;
          },
        },
        HealthService,
        ServiceMetrics,
        HttpTelemetryMiddleware,
      ],
      exports: [
        SERVICE_CONFIG,
        SERVICE_KIT_OPTIONS,
        NatsBus,
        PG_POOL,
        HealthService,
        METRICS_REGISTRY,
        ServiceMetrics,
      ],
    };
  }

  /** HTTP latency and server spans for every route of the service (see HttpTelemetryMiddleware). */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpTelemetryMiddleware).forRoutes('{*path}');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.drain();
    await this.pool?.end();
  }
}
