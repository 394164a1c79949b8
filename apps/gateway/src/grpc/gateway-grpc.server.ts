import { join } from 'node:path';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import { AtsError, PROTO_DIR } from '@autotelesale/contracts';
import { NatsBus } from '@autotelesale/messaging';
import { Authenticator } from '../auth/authenticator.service';
import type { Principal } from '../auth/principal';
import { ContactImportUploader } from '../api/contact-import.uploader';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { eventStreams, type StreamSink } from './event-streams';
import { toGrpcError } from './grpc-errors';
import { grpcHandlers } from './grpc-handlers';
import { GRPC_METHOD_ROLES } from './grpc-permissions';
import { GatewayMetrics } from '../metrics/gateway-metrics';

export const GATEWAY_PROTO = join('autotelesale', 'gateway', 'v1', 'gateway.proto');
export const GATEWAY_PROTO_PACKAGE = 'autotelesale.gateway.v1';

/**
 * How proto messages become JS objects: camelCase fields (the REST JSON's names),
 * 64-bit integers as numbers, enums as names, and unset fields left out (so "not given"
 * is absent, as in JSON).
 */
export const PROTO_LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: false,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

/* eslint-disable @typescript-eslint/no-explicit-any -- grpc-js hands requests over untyped */

/**
 * The gateway's gRPC server for CRMs: a plain grpc-js server started with the Nest app
 * (and stopped with it), beside the REST API. Every call is authenticated from its
 * metadata and checked against GRPC_METHOD_ROLES (deny by default) before its handler
 * runs; every failure leaves as a gRPC status with the typed error in trailing metadata.
 */
@Injectable()
export class GatewayGrpcServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('GatewayGrpcServer');
  private server?: grpc.Server;
  private readonly activeStreams = new Set<() => Promise<void>>();
  /** The bound port (ATS_GRPC_PORT=0 picks a free one). */
  port = 0;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly authenticator: Authenticator,
    private readonly bus: NatsBus,
    private readonly uploader: ContactImportUploader,
    private readonly metrics: GatewayMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const definition = loadSync(GATEWAY_PROTO, PROTO_LOADER_OPTIONS);
    const pkg = grpc.loadPackageDefinition(definition) as any;
    const services = pkg.autotelesale.gateway.v1;
    const handlers = grpcHandlers(this.bus, this.uploader);
    const streams = eventStreams(this.bus, (stop) => {
      this.activeStreams.add(stop);
      return () => this.activeStreams.delete(stop);
    });
    const server = new grpc.Server();
    for (const serviceName of [
      'CampaignService',
      'ListService',
      'ContactService',
      'DispositionService',
      'AgentService',
      'EventService',
    ]) {
      const service = services[serviceName].service as grpc.ServiceDefinition;
      const implementation: grpc.UntypedServiceImplementation = {};
      for (const [methodName, method] of Object.entries(service)) {
        const key = `${serviceName}/${methodName}`;
        if (handlers.unary[key]) {
          implementation[methodName] = this.unary(key, handlers.unary[key]!);
        } else if (handlers.clientStream[key]) {
          implementation[methodName] = this.clientStream(key, handlers.clientStream[key]!);
        } else if (key === 'EventService/WatchCallResults') {
          implementation[methodName] = this.serverStream(key, streams.watchCallResults);
        } else if (key === 'EventService/WatchCallRecords') {
          implementation[methodName] = this.serverStream(key, streams.watchCallRecords);
        } else if (key === 'EventService/WatchScreenPops') {
          implementation[methodName] = this.serverStream(key, streams.watchScreenPops);
        } else {
          this.logger.error(`${key} (${method.path}) has no handler: it answers UNIMPLEMENTED`);
        }
      }
      server.addService(service, implementation);
    }
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(
        `${this.config.grpcHost}:${this.config.grpcPort}`,
        grpc.ServerCredentials.createInsecure(),
        (error, port) => (error ? reject(error) : resolve(port)),
      ),
    );
    this.server = server;
    this.logger.log(`gRPC listening on ${this.config.grpcHost}:${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await Promise.all([...this.activeStreams].map((stop) => stop().catch(() => undefined)));
    await new Promise<void>((resolve) => {
      // Unary calls in flight get a few seconds; then whatever is left is cut.
      const timer = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 5_000);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private async authorize(method: string, metadata: grpc.Metadata): Promise<Principal> {
    const roles = GRPC_METHOD_ROLES[method];
    if (!roles) throw new AtsError('FORBIDDEN', `${method} declares no roles and is closed`);
    const first = (name: string) => {
      const value = metadata.get(name)[0];
      return typeof value === 'string' ? value : undefined;
    };
    const principal = await this.authenticator.authenticate({
      authorization: first('authorization'),
      apiKey: first('x-api-key'),
    });
    if (!roles.includes(principal.role)) {
      throw new AtsError('FORBIDDEN', `the ${principal.role} role may not call ${method}`);
    }
    return principal;
  }

  private report(method: string, error: unknown): Partial<grpc.ServiceError> {
    if (!(error instanceof AtsError)) {
      this.logger.error({ method, err: error instanceof Error ? error.stack : String(error) });
    }
    const grpcError = toGrpcError(error);
    this.metrics.grpcCalls.inc({ method, code: grpc.status[grpcError.code!] });
    return grpcError;
  }

  private succeeded(method: string): void {
    this.metrics.grpcCalls.inc({ method, code: 'OK' });
  }

  private unary(
    method: string,
    handler: (request: any, principal: Principal) => Promise<unknown>,
  ): grpc.handleUnaryCall<any, any> {
    return (call, callback) => {
      this.authorize(method, call.metadata)
        .then((principal) => handler(call.request, principal))
        .then(
          (reply) => {
            this.succeeded(method);
            callback(null, reply);
          },
          (error: unknown) => callback(this.report(method, error) as grpc.ServiceError),
        );
    };
  }

  private clientStream(
    method: string,
    handler: (messages: AsyncIterable<any>, principal: Principal) => Promise<unknown>,
  ): grpc.handleClientStreamingCall<any, any> {
    return (call, callback) => {
      this.authorize(method, call.metadata)
        .then((principal) => handler(call as AsyncIterable<any>, principal))
        .then(
          (reply) => {
            this.succeeded(method);
            callback(null, reply);
          },
          (error: unknown) => {
            call.destroy();
            callback(this.report(method, error) as grpc.ServiceError);
          },
        );
    };
  }

  private serverStream(
    method: string,
    handler: (request: any, principal: Principal, sink: StreamSink) => Promise<void>,
  ): grpc.handleServerStreamingCall<any, any> {
    return (call) => {
      let open = false;
      this.authorize(method, call.metadata)
        .then((principal) => {
          open = true;
          this.metrics.grpcStreams.inc({ method });
          return handler(call.request, principal, call as unknown as StreamSink);
        })
        .then(
          () => {
            this.succeeded(method);
            if (!call.cancelled) call.end();
          },
          (error: unknown) => {
            const grpcError = this.report(method, error);
            if (!call.cancelled) call.emit('error', grpcError);
          },
        )
        .finally(() => {
          if (open) this.metrics.grpcStreams.dec({ method });
        });
    };
  }
}
