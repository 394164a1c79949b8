import { connect, createServer, type Server, type Socket } from 'node:net';
import type { CallEngine } from '../core/call-engine';
import type { OutboundSocketRequest } from '../core/sim-switch';
import { EslConnection, type ConnectionLimits } from './esl-connection';
import { SHUTDOWN_NOTICE } from './wire';

/**
 * The inbound event socket of one node. It can be "cut" (listening stops and every
 * connection is dropped without a word, like a network failure) and restored, and it
 * can say goodbye to everyone like a shutting-down FreeSWITCH.
 */
export class EslServer {
  private server: Server | undefined;
  private readonly connections = new Set<EslConnection>();
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;

  constructor(
    private readonly engine: CallEngine,
    private readonly password: string,
    private readonly host: string,
    private readonly limits: ConnectionLimits,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  backlogs(): Array<ReturnType<EslConnection['backlog']>> {
    return [...this.connections].map((c) => c.backlog());
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const server = createServer((socket) => this.accept(socket));
      server.on('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        server.on('error', () => undefined);
        this.server = server;
        const address = server.address();
        this.boundPort = typeof address === 'object' && address ? address.port : port;
        resolve(this.boundPort);
      });
    });
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    const conn = new EslConnection(socket, this.engine, this.password, this.limits, (c) =>
      this.connections.delete(c),
    );
    this.connections.add(conn);
  }

  /**
   * The `socket` application: dial the targets in order (TCP keepalive like FreeSWITCH) and
   * run an outbound connection for the session on the first that answers. Outbound
   * connections end with the switch (shutdown, restart), not with an ESL port cut.
   */
  openOutbound(request: OutboundSocketRequest): void {
    const attempt = (index: number) => {
      const target = request.targets[index];
      if (!target) {
        request.failed();
        return;
      }
      const socket = connect({ host: target.host, port: target.port });
      const onError = () => {
        socket.destroy();
        attempt(index + 1);
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        socket.setKeepAlive(true, 30_000);
        const conn = new EslConnection(
          socket,
          this.engine,
          this.password,
          this.limits,
          (c) => this.connections.delete(c),
          {
            uuid: request.channel.uuid,
            async: request.async,
            full: request.full,
            onClosed: () => request.closed(),
          },
        );
        this.connections.add(conn);
        request.connected();
      });
    };
    attempt(0);
  }

  /** Stops listening and drops every connection abruptly (no notice): a network cut. */
  async cut(): Promise<void> {
    await this.closeServer(() => {
      for (const s of this.sockets) s.destroy();
    });
  }

  /** Graceful shutdown: "The system is being shut down." to every listener, then close. */
  async shutdown(): Promise<void> {
    await this.closeServer(() => {
      for (const c of this.connections) c.kill(SHUTDOWN_NOTICE);
      for (const s of this.sockets) s.destroy();
    });
  }

  private closeServer(beforeWait?: () => void): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) {
      beforeWait?.();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      server.close(() => resolve());
      beforeWait?.();
    });
  }
}
