import { Injectable, type INestApplication, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

export const OPENAPI_PATH = 'api/docs';

export function openApiConfig(): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setTitle('AutoTelesale gateway')
    .setDescription(
      'REST API of AutoTelesale for CRMs and people. Authenticate with `Authorization: Bearer <session token>` ' +
        '(POST /api/v1/auth/login) or `X-Api-Key: <key>`. Errors are `{ code, message, details }`.',
    )
    .setVersion('1')
    .addBearerAuth()
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'api-key')
    .build();
}

/**
 * Serves the OpenAPI document built from the controllers at /api/docs (UI) and
 * /api/docs-json. The service kit creates and starts the app, so we register the
 * routes from inside the module, before Nest adds its not-found handler: swagger only
 * needs the container, the config and the HTTP adapter, which is all this facade has.
 * The document is built on first request, when every route is known.
 */
@Injectable()
export class OpenApiDocs implements OnModuleInit {
  private document?: OpenAPIObject;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return;
    const container = (this.moduleRef as unknown as { container: { applicationConfig: unknown } }).container;
    const app = {
      container,
      config: container.applicationConfig,
      getHttpAdapter: () => adapter,
      useStaticAssets: (path: string, options: unknown) =>
        (adapter as unknown as { useStaticAssets(p: string, o: unknown): void }).useStaticAssets(
          path,
          options,
        ),
    } as unknown as INestApplication;
    SwaggerModule.setup(
      OPENAPI_PATH,
      app,
      () => (this.document ??= SwaggerModule.createDocument(app, openApiConfig())),
    );
  }
}
