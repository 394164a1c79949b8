import { Module } from '@nestjs/common';
import { ServiceKitModule, type ServiceKitOptions } from '@autotelesale/service-kit';
import { CAMPAIGN_DATABASE } from './db/campaign-db.constants';
import { PrismaService } from './db/prisma.service';

export const SERVICE_OPTIONS: ServiceKitOptions = { service: 'campaign', database: CAMPAIGN_DATABASE };

@Module({
  imports: [ServiceKitModule.forRoot(SERVICE_OPTIONS)],
  providers: [PrismaService],
})
export class AppModule {}
