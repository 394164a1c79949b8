// The gateway's pieces end-to-end tests use beyond its module (the `@autotelesale/gateway`
// alias): its permission tables, its gRPC server's port, and its test clients, in one place.
export { AppModule as GatewayModule, SERVICE_OPTIONS as GATEWAY } from '../../gateway/src/app.module';
export { controllersOf, routePermissions } from '../../gateway/src/auth/route-permissions';
export { GatewayGrpcServer } from '../../gateway/src/grpc/gateway-grpc.server';
export { atsErrorOf } from '../../gateway/src/grpc/grpc-errors';
export { GRPC_METHOD_ROLES } from '../../gateway/src/grpc/grpc-permissions';
export { restClient, type Caller } from '../../gateway/test/http-client';
export { collect, grpcClients } from '../../gateway/test/grpc-client';
