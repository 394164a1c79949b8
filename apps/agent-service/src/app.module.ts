import { Module } from '@nestjs/common';
import { ServiceKitModule } from '@autotelesale/service-kit';
import { AGENT_DB_SCHEMA, AGENT_MIGRATIONS_DIR } from './db/agent-db.constants';
import { PrismaService } from './db/prisma.service';

@Module({
  imports: [
    ServiceKitModule.forRoot({
      service: 'agent',
      database: { schema: AGENT_DB_SCHEMA, migrationsDir: AGENT_MIGRATIONS_DIR },
    }),
  ],
  providers: [PrismaService],
})
export class AppModule {}
