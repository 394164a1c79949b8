import { bootstrapService } from '@autotelesale/service-kit';
import { AppModule } from './app.module';

bootstrapService(AppModule).catch((error: unknown) => {
  console.error('dialer-service failed to start:', error);
  process.exit(1);
});
