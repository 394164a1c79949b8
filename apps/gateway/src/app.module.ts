import { Module } from '@nestjs/common';
import { ServiceKitModule, type ServiceKitOptions } from '@autotelesale/service-kit';
import { SystemHealthController } from './system-health.controller';

export const SERVICE_OPTIONS: ServiceKitOptions = { service: 'gateway' };

@Module({
  imports: [ServiceKitModule.forRoot(SERVICE_OPTIONS)],
  controllers: [SystemHealthController],
})
export class AppModule {}
