import { Module } from '@nestjs/common';
import { ServiceKitModule, type ServiceKitOptions } from '@autotelesale/service-kit';
import { DIALER_SERVICE_CONFIG, loadDialerServiceConfig } from './config/dialer-service.config';
import { FsNodesService } from './telephony/fs-nodes.service';

export const SERVICE_OPTIONS: ServiceKitOptions = { service: 'dialer' };

@Module({
  imports: [ServiceKitModule.forRoot(SERVICE_OPTIONS)],
  providers: [
    { provide: DIALER_SERVICE_CONFIG, useFactory: () => loadDialerServiceConfig() },
    FsNodesService,
  ],
})
export class AppModule {}
