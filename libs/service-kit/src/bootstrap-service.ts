import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger, startTracing } from '@autotelesale/telemetry';
import { PinoNestLogger } from './pino-nest-logger';
import { SERVICE_CONFIG } from './service-kit.constants';
import type { ServiceConfig } from './service-config';

/**
 * Starts a service: tracing (when OTEL_* asks for it), JSON logs with phone numbers
 * masked, shutdown hooks (SIGTERM drains NATS and closes the pool), HTTP on its port.
 * Returns the app so tests can start services in-process.
 */
export async function bootstrapService(
  rootModule: unknown,
  options: { service: string; listen?: boolean },
): Promise<INestApplication> {
  const logger = createLogger({ service: options.service });
  const tracing = startTracing({ serviceName: `autotelesale-${options.service}`, logger });
  const app = await NestFactory.create(rootModule as never, { logger: new PinoNestLogger(logger) });
  app.enableShutdownHooks();
  const close = app.close.bind(app);
  app.close = async () => {
    await close();
    await tracing.shutdown();
  };
  const config = app.get<ServiceConfig>(SERVICE_CONFIG);
  if (options.listen !== false) {
    await app.listen(config.httpPort, config.httpHost);
    logger.info(
      { instanceId: config.instanceId, namespace: config.namespace, port: config.httpPort },
      `${config.service} listening on ${config.httpHost}:${config.httpPort}`,
    );
  } else {
    await app.init();
  }
  return app;
}
