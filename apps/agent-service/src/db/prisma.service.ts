import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { withPreparedStatements } from '@autotelesale/db';
import { HealthService, SERVICE_CONFIG, type ServiceConfig } from '@autotelesale/service-kit';
import { PrismaClient } from '../generated/prisma/client';
import { AGENT_DATABASE } from './agent-db.constants';

/** Prisma over the pg driver adapter: no native query engine, queries scoped to our schema. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  constructor(
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    private readonly health: HealthService,
  ) {
    super({
      adapter: new PrismaPg(withPreparedStatements({ connectionString: config.databaseUrl }), {
        schema: AGENT_DATABASE.schema,
      }),
    });
  }

  onModuleInit(): void {
    this.health.register('prisma', async () => {
      await this.processedMessage.count();
      return { ok: true };
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
