import { createServer, type Server, type Socket } from 'node:net';

/**
 * A scripted ESL peer for what fs-sim cannot be made to do on demand: a lost-events kill,
 * garbage bytes, an ACL rejection, a refused subscription. It speaks the handshake like
 * FreeSWITCH (auth/request, `+OK accepted`, `+OK event listener enabled json`, bgapi with
 * BACKGROUND_JOB) and hands every other command to the test.
 */
export class ScriptedEslServer {
  readonly coreUuid = '00000000-0000-4000-8000-00000000c0de';
  connections = 0;
  readonly sockets: Socket[] = [];
  /** Answer `event ...` with this instead of +OK (to test a refused subscription). */
  eventReply = '+OK event listener enabled json';
  /** Say this instead of auth/request on connect (e.g. a rude rejection), then close. */
  greeting: string | undefined;
  private server: Server | undefined;

  constructor(private readonly onCommand: (line: string, socket: Socket) => void = () => undefined) {}

  listen(): Promise<number> {
    return new Promise((resolve) => {
      this.server = createServer((socket) => this.accept(socket));
      this.server.listen(0, '127.0.0.1', () => {
        const a = this.server!.address();
        resolve(typeof a === 'object' && a ? a.port : 0);
      });
    });
  }

  private accept(socket: Socket): void {
    this.connections++;
    this.sockets.push(socket);
    socket.on('error', () => undefined);
    if (this.greeting !== undefined) {
      socket.end(this.greeting);
      return;
    }
    socket.write('Content-Type: auth/request\n\n');
    let buf = '';
    socket.on('data', (d: Buffer) => {
      buf += d.toString();
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const [line = '', ...headers] = buf.slice(0, end).split('\n');
        buf = buf.slice(end + 2);
        const reply = (text: string) => socket.write(`Content-Type: command/reply\nReply-Text: ${text}\n\n`);
        if (line.startsWith('auth ')) reply('+OK accepted');
        else if (line.startsWith('event ')) reply(this.eventReply);
        else if (line.startsWith('filter ')) reply('+OK filter added.');
        else if (line === 'bgapi uptime') {
          const job = headers.find((h) => h.startsWith('Job-UUID: '))!.slice(10);
          socket.write(`Content-Type: command/reply\nReply-Text: +OK Job-UUID: ${job}\nJob-UUID: ${job}\n\n`);
          socket.write(
            ScriptedEslServer.event(
              { 'Event-Name': 'BACKGROUND_JOB', 'Core-UUID': this.coreUuid, 'Job-UUID': job },
              '12\n',
            ),
          );
        } else this.onCommand(line, socket);
      }
    });
  }

  static event(headers: Record<string, string>, body?: string): string {
    const json = JSON.stringify(
      body === undefined
        ? headers
        : { ...headers, 'Content-Length': String(Buffer.byteLength(body)), _body: body },
    );
    return `Content-Length: ${Buffer.byteLength(json)}\nContent-Type: text/event-json\n\n${json}`;
  }

  static notice(body: string): string {
    return `Content-Type: text/disconnect-notice\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
