import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { ServiceKitModule, type ServiceKitOptions } from '@autotelesale/service-kit';
import { AgentDialingController } from './api/agent-dialing.controller';
import { AgentsController } from './api/agents.controller';
import { CampaignsController } from './api/campaigns.controller';
import { ComplianceController } from './api/compliance.controller';
import { ContactImportUploader } from './api/contact-import.uploader';
import { ContactsController } from './api/contacts.controller';
import { DispositionsController } from './api/dispositions.controller';
import { ListsController } from './api/lists.controller';
import { ReportsController } from './api/reports.controller';
import { ReservationsController } from './api/reservations.controller';
import { AccessGuard } from './auth/access.guard';
import { ApiKeysController } from './auth/api-keys.controller';
import { ApiKeysService } from './auth/api-keys.service';
import { AuthController } from './auth/auth.controller';
import { Authenticator } from './auth/authenticator.service';
import { RouteAccessReader } from './auth/route-access';
import { UsersController } from './auth/users.controller';
import { LoginThrottle } from './auth/login-throttle.service';
import { UsersService } from './auth/users.service';
import { GATEWAY_CONFIG, loadGatewayConfig } from './config/gateway-config';
import { GATEWAY_DATABASE } from './db/gateway-db.constants';
import { PrismaService } from './db/prisma.service';
import { AtsExceptionFilter } from './http/ats-exception.filter';
import { IdempotencyInterceptor } from './http/idempotency.interceptor';
import { IdempotencyStore } from './http/idempotency.store';
import { GatewayGrpcServer } from './grpc/gateway-grpc.server';
import { GatewayMetrics, HttpMetricsMiddleware } from './metrics/gateway-metrics';
import { OpenApiDocs } from './openapi/openapi-docs';
import { SystemHealthController } from './system-health.controller';

export const SERVICE_OPTIONS: ServiceKitOptions = { service: 'gateway', database: GATEWAY_DATABASE };

@Module({
  imports: [ServiceKitModule.forRoot(SERVICE_OPTIONS), DiscoveryModule],
  controllers: [
    SystemHealthController,
    AuthController,
    UsersController,
    ApiKeysController,
    CampaignsController,
    ListsController,
    ContactsController,
    DispositionsController,
    AgentsController,
    ReservationsController,
    ReportsController,
    ComplianceController,
    AgentDialingController,
  ],
  providers: [
    { provide: GATEWAY_CONFIG, useFactory: () => loadGatewayConfig() },
    PrismaService,
    Authenticator,
    RouteAccessReader,
    UsersService,
    LoginThrottle,
    ApiKeysService,
    IdempotencyStore,
    OpenApiDocs,
    ContactImportUploader,
    GatewayGrpcServer,
    GatewayMetrics,
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_FILTER, useClass: AtsExceptionFilter },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('{*path}');
  }
}
