import { createServer, type Server } from 'node:net';
import { waitFor } from '@autotelesale/testing';
import { RawEslClient } from './raw-esl-client';

/**
 * A controller for outbound-socket tests: a plain TCP server that fs-sim's `socket`
 * application dials. Every accepted connection becomes a RawEslClient recording the bytes.
 */
export class OutboundServer {
  readonly accepted: RawEslClient[] = [];
  private cursor = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static listen(): Promise<OutboundServer> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        const out = new OutboundServer(server, port);
        server.on('connection', (socket) => out.accepted.push(RawEslClient.wrap(socket)));
        resolve(out);
      });
    });
  }

  /** The next connection fs-sim opened to us. */
  async next(timeoutMs = 5000): Promise<RawEslClient> {
    await waitFor(() => this.cursor < this.accepted.length, {
      timeoutMs,
      intervalMs: 2,
      description: 'fs-sim to connect to the outbound server',
    });
    return this.accepted[this.cursor++]!;
  }

  close(): Promise<void> {
    for (const c of this.accepted) c.close();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
