import 'reflect-metadata';
import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SERVICE_CONFIG } from './service-kit.constants';
import type { ServiceConfig } from './service-config';

/**
 * Starts a service: Nest application, shutdown hooks (SIGTERM drains NATS and closes
 * the pool), HTTP on its port. Returns the app so tests can start services in-process.
 */
export async function bootstrapService(
  rootModule: unknown,
  options: { listen?: boolean } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create(rootModule as never, { bufferLogs: false });
  app.enableShutdownHooks();
  const config = app.get<ServiceConfig>(SERVICE_CONFIG);
  if (options.listen !== false) {
    await app.listen(config.httpPort, config.httpHost);
    new Logger('bootstrap').log(
      `${config.service} (${config.instanceId}) listening on ${config.httpHost}:${config.httpPort}, namespace ${config.namespace}`,
    );
  } else {
    await app.init();
  }
  return app;
}
