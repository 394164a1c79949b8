import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy that can freeze: bytes stop flowing both ways but no socket closes — the
 * half-open connection a dead peer or a silent firewall leaves behind, which only a
 * HEARTBEAT watchdog (or OS keepalive, minutes later) can detect.
 */
export class FreezableProxy {
  private frozen = false;
  /** Bytes held while frozen, flushed in order on thaw (a delayed network, not a lossy one). */
  private held: Array<[Socket, Buffer]> = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly targetPort: number) {}

  listen(): Promise<number> {
    return new Promise((resolve) => {
      this.server = createServer((client) => {
        const upstream = connect(this.targetPort, '127.0.0.1');
        for (const s of [client, upstream]) {
          this.sockets.add(s);
          s.on('error', () => undefined);
          s.on('close', () => {
            this.sockets.delete(s);
            client.destroy();
            upstream.destroy();
          });
        }
        client.on('data', (d: Buffer) => this.forward(upstream, d));
        upstream.on('data', (d: Buffer) => this.forward(client, d));
      });
      this.server.listen(0, '127.0.0.1', () => {
        const a = this.server!.address();
        resolve(typeof a === 'object' && a ? a.port : 0);
      });
    });
  }

  freeze(): void {
    this.frozen = true;
  }

  thaw(): void {
    this.frozen = false;
    for (const [to, data] of this.held.splice(0)) if (!to.destroyed) to.write(data);
  }

  private forward(to: Socket, data: Buffer): void {
    if (this.frozen) this.held.push([to, data]);
    else if (!to.destroyed) to.write(data);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
