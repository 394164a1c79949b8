import { Module } from '@nestjs/common';
import { ServiceKitModule } from '@autotelesale/service-kit';

@Module({
  imports: [ServiceKitModule.forRoot({ service: 'dialer' })],
})
export class AppModule {}
