import { connect, type Socket } from 'node:net';
import { waitFor } from '@autotelesale/testing';

/** One server-to-client message exactly as it came off the wire. */
export interface WireMessage {
  /** The header block text, without the blank line. */
  head: string;
  headers: Array<[string, string]>;
  body: string;
  /** The exact bytes of the whole message (headers, blank line, body). */
  raw: Buffer;
}

export function header(msg: WireMessage, name: string): string | undefined {
  return msg.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

/** Parses a text/event-plain body into [name, decoded value] pairs (plus the inner body). */
export function plainEvent(body: string): { headers: Array<[string, string]>; body: string | undefined } {
  const end = body.indexOf('\n\n');
  const head = end >= 0 ? body.slice(0, end) : body;
  const headers = head
    .split('\n')
    .filter(Boolean)
    .map((line): [string, string] => {
      const colon = line.indexOf(': ');
      return [line.slice(0, colon), decodeURIComponent(line.slice(colon + 2))];
    });
  const inner = end >= 0 && end + 2 < body.length ? body.slice(end + 2) : undefined;
  return { headers, body: inner };
}

/** Name of an event message in any format. */
export function eventName(msg: WireMessage): string | undefined {
  const type = header(msg, 'Content-Type');
  if (type === 'text/event-json') return (JSON.parse(msg.body) as Record<string, string>)['Event-Name'];
  if (type === 'text/event-plain') return plainEvent(msg.body).headers.find(([n]) => n === 'Event-Name')?.[1];
  if (type === 'text/event-xml') return /<Event-Name>([^<]*)<\/Event-Name>/.exec(msg.body)?.[1];
  return undefined;
}

/**
 * A raw TCP ESL client for conformance tests: it records every byte and frames messages
 * itself (Content-Length counted in bytes), so tests can assert the exact wire format.
 */
export class RawEslClient {
  readonly messages: WireMessage[] = [];
  private buffer = Buffer.alloc(0);
  private cursor = 0;
  closed = false;
  readonly allBytes: Buffer[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (data: Buffer) => {
      this.allBytes.push(data);
      this.buffer = Buffer.concat([this.buffer, data]);
      this.parse();
    });
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => undefined);
  }

  /** Wraps a socket fs-sim opened to us (outbound mode: the test is the server). */
  static wrap(socket: Socket): RawEslClient {
    return new RawEslClient(socket);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawEslClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host, () => resolve(new RawEslClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Connects, reads auth/request, authenticates. */
  static async authed(port: number, password: string): Promise<RawEslClient> {
    const c = await RawEslClient.connect(port);
    await c.next();
    c.send(`auth ${password}`);
    const reply = await c.next();
    if (header(reply, 'Reply-Text') !== '+OK accepted') throw new Error(`auth failed: ${reply.head}`);
    return c;
  }

  send(command: string, headers: Record<string, string> = {}, body?: string): void {
    let text = `${command}\n`;
    for (const [k, v] of Object.entries(headers)) text += `${k}: ${v}\n`;
    if (body !== undefined) text += `Content-Length: ${Buffer.byteLength(body)}\n`;
    text += '\n';
    if (body !== undefined) text += body;
    this.socket.write(text);
  }

  writeRaw(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The next message in arrival order. */
  async next(timeoutMs = 5000): Promise<WireMessage> {
    await waitFor(() => this.cursor < this.messages.length, {
      timeoutMs,
      intervalMs: 2,
      description: 'the next ESL message',
    });
    return this.messages[this.cursor++]!;
  }

  /** The first message from the cursor on that matches; messages before it are skipped. */
  async nextMatching(
    predicate: (m: WireMessage) => boolean,
    timeoutMs = 5000,
    description = 'a matching message',
  ): Promise<WireMessage> {
    const found = await waitFor(
      () => {
        for (let i = this.cursor; i < this.messages.length; i++) {
          if (predicate(this.messages[i]!)) {
            this.cursor = i + 1;
            return this.messages[i];
          }
        }
        return undefined;
      },
      { timeoutMs, intervalMs: 2, description },
    );
    return found;
  }

  nextReply(timeoutMs?: number): Promise<WireMessage> {
    return this.nextMatching(
      (m) => header(m, 'Content-Type') === 'command/reply',
      timeoutMs,
      'a command/reply',
    );
  }

  nextApi(timeoutMs?: number): Promise<WireMessage> {
    return this.nextMatching(
      (m) => header(m, 'Content-Type') === 'api/response',
      timeoutMs,
      'an api/response',
    );
  }

  nextEvent(name: string, timeoutMs?: number): Promise<WireMessage> {
    return this.nextMatching((m) => eventName(m) === name, timeoutMs, `event ${name}`);
  }

  /** Names of every event received so far. */
  eventNames(): string[] {
    return this.messages.map(eventName).filter((n): n is string => n !== undefined);
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    await waitFor(() => this.closed, {
      timeoutMs,
      intervalMs: 5,
      description: 'the server to close the connection',
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private parse(): void {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end < 0) return;
      const head = this.buffer.subarray(0, end).toString('utf8');
      const headers = head.split('\n').map((line): [string, string] => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon), line.slice(colon + 1).trim()];
      });
      const lengthText = headers.find(([n]) => n === 'Content-Length')?.[1];
      const length = lengthText ? Number(lengthText) : 0;
      if (this.buffer.length < end + 2 + length) return;
      const raw = Buffer.from(this.buffer.subarray(0, end + 2 + length));
      const body = this.buffer.subarray(end + 2, end + 2 + length).toString('utf8');
      this.buffer = this.buffer.subarray(end + 2 + length);
      this.messages.push({ head, headers, body, raw });
    }
  }
}
