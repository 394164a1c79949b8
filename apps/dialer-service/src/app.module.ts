import { Module } from '@nestjs/common';
import { ServiceKitModule, type ServiceKitOptions } from '@autotelesale/service-kit';

export const SERVICE_OPTIONS: ServiceKitOptions = { service: 'dialer' };

@Module({
  imports: [ServiceKitModule.forRoot(SERVICE_OPTIONS)],
})
export class AppModule {}
