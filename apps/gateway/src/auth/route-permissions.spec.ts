import { loadSync } from '@grpc/proto-loader';
import { ServiceKitModule } from '@autotelesale/service-kit';
import { AppModule, SERVICE_OPTIONS } from '../app.module';
import { GATEWAY_PROTO, PROTO_LOADER_OPTIONS } from '../grpc/gateway-grpc.server';
import { GRPC_METHOD_ROLES } from '../grpc/grpc-permissions';
import { controllersOf, routePermissions } from './route-permissions';

/**
 * The permission table of the REST API. A change here is a permission change: review it,
 * then update the snapshot (`npx jest -c apps/gateway/jest.config.cjs -u`).
 */
const table = routePermissions(
  controllersOf(AppModule),
  ServiceKitModule.forRoot(SERVICE_OPTIONS).controllers as never,
);

it('declares the roles (or public) of every route: none is left to the default', () => {
  expect(table.filter((row) => row.access.startsWith('UNDECLARED'))).toEqual([]);
});

it('gives exactly these roles to exactly these routes', () => {
  expect(table.map((row) => `${row.route.padEnd(60)} ${row.access}`).join('\n')).toMatchSnapshot();
});

it('keeps the public routes to login, probes and scrapes', () => {
  expect(table.filter((row) => row.access.startsWith('public')).map((row) => row.route)).toEqual([
    'GET /api/v1/system/health',
    'GET /health/live',
    'GET /health/ready',
    'GET /metrics',
    'POST /api/v1/auth/login',
  ]);
});

describe('gRPC methods', () => {
  const definition = loadSync(GATEWAY_PROTO, PROTO_LOADER_OPTIONS);
  const methods = Object.entries(definition)
    .filter(([, d]) => typeof d === 'object' && d !== null && !('format' in d))
    .flatMap(([service, d]) =>
      Object.keys(d as object).map((method) => `${service.split('.').pop()}/${method}`),
    );

  it('declares the roles of every method of the .proto: none is left to the default', () => {
    expect(methods.filter((m) => !GRPC_METHOD_ROLES[m])).toEqual([]);
    expect(Object.keys(GRPC_METHOD_ROLES).filter((m) => !methods.includes(m))).toEqual([]);
  });

  it('gives exactly these roles to exactly these methods', () => {
    expect(
      Object.entries(GRPC_METHOD_ROLES)
        .map(([method, roles]) => `${method.padEnd(45)} ${[...roles].sort().join(', ')}`)
        .sort()
        .join('\n'),
    ).toMatchSnapshot();
  });
});
