import { runService } from '@autotelesale/service-kit';
import { AppModule, SERVICE_OPTIONS } from './app.module';

runService(AppModule, SERVICE_OPTIONS).catch(() => process.exit(1));
