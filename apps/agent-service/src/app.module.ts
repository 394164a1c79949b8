import { Module } from '@nestjs/common';
import { ServiceKitModule, type ServiceKitOptions } from '@autotelesale/service-kit';
import { AGENT_DATABASE } from './db/agent-db.constants';
import { PrismaService } from './db/prisma.service';

export const SERVICE_OPTIONS: ServiceKitOptions = { service: 'agent', database: AGENT_DATABASE };

@Module({
  imports: [ServiceKitModule.forRoot(SERVICE_OPTIONS)],
  providers: [PrismaService],
})
export class AppModule {}
