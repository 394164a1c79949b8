/**
 * Incremental parser for client-to-server ESL blocks, following mod_event_socket's
 * `read_packet`: leading CR/LF are dropped; a block ends at the second consecutive `\n`
 * (a `\r` does not reset the count, so `\r\n\r\n` works); a block that reaches 10 MiB is
 * force-terminated; a `Content-Length` header makes the server read that many body bytes.
 */
export const MAX_BLOCK_BYTES = 10_485_760;
export const MAX_CONTENT_LENGTH = 16 * 1024 * 1024;

export interface CommandFrame {
  /** The first line, cut at the first CR or LF. */
  command: string;
  headers: Array<[string, string]>;
  body?: string;
}

export class FrameTooLargeError extends Error {
  readonly code = 'ESL_CONTENT_LENGTH_INVALID';
  constructor(length: number) {
    super(`command body Content-Length ${length} is outside 0..${MAX_CONTENT_LENGTH}`);
  }
}

export class CommandParser {
  private chunks: Buffer[] = [];
  private headBytes = 0;
  private newlines = 0;
  private pendingFrame: CommandFrame | undefined;
  private bodyNeeded = 0;
  private bodyChunks: Buffer[] = [];
  private bodyBytes = 0;

  constructor(private readonly maxBlockBytes = MAX_BLOCK_BYTES) {}

  /** Feeds bytes; returns every frame completed by them. Throws FrameTooLargeError. */
  push(data: Buffer): CommandFrame[] {
    const frames: CommandFrame[] = [];
    let offset = 0;
    while (offset < data.length) {
      if (this.pendingFrame) {
        const take = Math.min(this.bodyNeeded - this.bodyBytes, data.length - offset);
        this.bodyChunks.push(data.subarray(offset, offset + take));
        this.bodyBytes += take;
        offset += take;
        if (this.bodyBytes === this.bodyNeeded) {
          const frame = this.pendingFrame;
          frame.body = Buffer.concat(this.bodyChunks).toString('utf8');
          this.pendingFrame = undefined;
          this.bodyChunks = [];
          this.bodyBytes = 0;
          this.bodyNeeded = 0;
          frames.push(frame);
        }
        continue;
      }
      let start = offset;
      if (this.headBytes === 0) {
        while (start < data.length && (data[start] === 0x0a || data[start] === 0x0d)) start++;
        if (start === data.length) return frames;
      }
      let end = -1;
      for (let i = start; i < data.length; i++) {
        const b = data[i]!;
        if (b === 0x0a) {
          if (++this.newlines === 2) {
            end = i + 1;
            break;
          }
        } else if (b !== 0x0d) {
          this.newlines = 0;
        }
        if (this.headBytes + (i - start + 1) >= this.maxBlockBytes) {
          end = i + 1;
          break;
        }
      }
      if (end === -1) {
        this.chunks.push(data.subarray(start));
        this.headBytes += data.length - start;
        return frames;
      }
      this.chunks.push(data.subarray(start, end));
      const head = Buffer.concat(this.chunks).toString('utf8');
      this.chunks = [];
      this.headBytes = 0;
      this.newlines = 0;
      offset = end;
      const frame = parseHead(head);
      const lengthHeader = frame.headers.find(([name]) => name.toLowerCase() === 'content-length');
      const length = lengthHeader ? parseInt(lengthHeader[1], 10) : 0;
      if (lengthHeader && (length < 0 || length > MAX_CONTENT_LENGTH)) throw new FrameTooLargeError(length);
      if (length > 0) {
        this.pendingFrame = frame;
        this.bodyNeeded = length;
      } else {
        frames.push(frame);
      }
    }
    return frames;
  }
}

function parseHead(head: string): CommandFrame {
  const lines = head.split(/[\r\n]+/);
  const command = lines[0] ?? '';
  const headers: Array<[string, string]> = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    headers.push([line.slice(0, colon), line.slice(colon + 1).replace(/^ +/, '')]);
  }
  return { command, headers };
}

export function frameHeader(frame: CommandFrame, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return frame.headers.find(([n]) => n.toLowerCase() === wanted)?.[1];
}
