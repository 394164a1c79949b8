import { Module } from '@nestjs/common';
import { ServiceKitModule } from '@autotelesale/service-kit';
import { REPORTING_DB_SCHEMA, REPORTING_MIGRATIONS_DIR } from './db/reporting-db.constants';
import { PrismaService } from './db/prisma.service';

@Module({
  imports: [
    ServiceKitModule.forRoot({
      service: 'reporting',
      database: { schema: REPORTING_DB_SCHEMA, migrationsDir: REPORTING_MIGRATIONS_DIR },
    }),
  ],
  providers: [PrismaService],
})
export class AppModule {}
