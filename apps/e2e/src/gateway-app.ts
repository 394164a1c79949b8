// The gateway's pieces end-to-end tests use: its module and permission table, and its
// test clients. e2e is the one project that imports apps (it starts them side by side);
// the boundary rule knows apps only by npm scope, so these imports say so explicitly.
/* eslint-disable @nx/enforce-module-boundaries */
export { AppModule as GatewayModule, SERVICE_OPTIONS as GATEWAY } from '../../gateway/src/app.module';
export { controllersOf, routePermissions } from '../../gateway/src/auth/route-permissions';
export { GatewayGrpcServer } from '../../gateway/src/grpc/gateway-grpc.server';
export { atsErrorOf } from '../../gateway/src/grpc/grpc-errors';
export { GRPC_METHOD_ROLES } from '../../gateway/src/grpc/grpc-permissions';
export { restClient, type Caller } from '../../gateway/test/http-client';
export { collect, grpcClients } from '../../gateway/test/grpc-client';
