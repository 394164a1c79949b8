import { ServiceKitModule } from '@autotelesale/service-kit';
import { AppModule, SERVICE_OPTIONS } from '../app.module';
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
