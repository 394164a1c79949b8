import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { GATEWAY_PROTO, PROTO_LOADER_OPTIONS } from '../src/grpc/gateway-grpc.server';

/* eslint-disable @typescript-eslint/no-explicit-any -- a test client reads messages loosely */

export type Credentials = { apiKey?: string; token?: string };

/** A real grpc-js client of every gateway service, with promise-returning unary calls. */
export function grpcClients(port: number) {
  const pkg = grpc.loadPackageDefinition(loadSync(GATEWAY_PROTO, PROTO_LOADER_OPTIONS)) as any;
  const v1 = pkg.autotelesale.gateway.v1;
  const address = `127.0.0.1:${port}`;
  const make = (name: string) =>
    new v1[name](address, grpc.credentials.createInsecure()) as grpc.Client & any;
  const clients = {
    campaigns: make('CampaignService'),
    lists: make('ListService'),
    contacts: make('ContactService'),
    dispositions: make('DispositionService'),
    agents: make('AgentService'),
    events: make('EventService'),
  };
  const metadataOf = (as: Credentials) => {
    const metadata = new grpc.Metadata();
    if (as.apiKey) metadata.set('x-api-key', as.apiKey);
    if (as.token) metadata.set('authorization', `Bearer ${as.token}`);
    return metadata;
  };
  return {
    clients,
    metadataOf,
    call<T = any>(
      client: keyof typeof clients,
      method: string,
      request: unknown,
      as: Credentials,
    ): Promise<T> {
      return new Promise((resolve, reject) =>
        clients[client][method](request, metadataOf(as), (error: grpc.ServiceError | null, reply: T) =>
          error ? reject(error) : resolve(reply),
        ),
      );
    },
    close() {
      for (const client of Object.values(clients)) client.close();
    },
  };
}

/** Collects messages of a server stream until `count` have arrived. */
export function collect<T = any>(stream: grpc.ClientReadableStream<T>, count: number): Promise<T[]> {
  const received: T[] = [];
  return new Promise((resolve, reject) => {
    stream.on('data', (message: T) => {
      received.push(message);
      if (received.length === count) resolve(received);
    });
    stream.on('error', (error: grpc.ServiceError) => {
      if (error.code !== grpc.status.CANCELLED) reject(error);
    });
  });
}
