import { Module } from '@nestjs/common';
import { ServiceKitModule } from '@autotelesale/service-kit';
import { CAMPAIGN_DB_SCHEMA, CAMPAIGN_MIGRATIONS_DIR } from './db/campaign-db.constants';
import { PrismaService } from './db/prisma.service';

@Module({
  imports: [
    ServiceKitModule.forRoot({
      service: 'campaign',
      database: { schema: CAMPAIGN_DB_SCHEMA, migrationsDir: CAMPAIGN_MIGRATIONS_DIR },
    }),
  ],
  providers: [PrismaService],
})
export class AppModule {}
