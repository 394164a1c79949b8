import { Module } from '@nestjs/common';
import { ServiceKitModule } from '@autotelesale/service-kit';
import { SystemHealthController } from './system-health.controller';

@Module({
  imports: [ServiceKitModule.forRoot({ service: 'gateway' })],
  controllers: [SystemHealthController],
})
export class AppModule {}
