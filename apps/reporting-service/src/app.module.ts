import { Module } from '@nestjs/common';
import { ServiceKitModule, type ServiceKitOptions } from '@autotelesale/service-kit';
import { REPORTING_DATABASE } from './db/reporting-db.constants';
import { PrismaService } from './db/prisma.service';

export const SERVICE_OPTIONS: ServiceKitOptions = { service: 'reporting', database: REPORTING_DATABASE };

@Module({
  imports: [ServiceKitModule.forRoot(SERVICE_OPTIONS)],
  providers: [PrismaService],
})
export class AppModule {}
