import { CommandParser, FrameTooLargeError, frameHeader } from './command-parser';

const feed = (parser: CommandParser, text: string) => parser.push(Buffer.from(text, 'utf8'));

describe('CommandParser', () => {
  it('splits pipelined commands and keeps headers', () => {
    const frames = feed(new CommandParser(), 'auth ClueCon\n\nbgapi status\nJob-UUID: abc\n\n');
    expect(frames.map((f) => f.command)).toEqual(['auth ClueCon', 'bgapi status']);
    expect(frameHeader(frames[1]!, 'job-uuid')).toBe('abc');
  });

  it('accepts CRLF line endings and drops leading blank lines', () => {
    const frames = feed(new CommandParser(), '\r\n\r\napi status\r\n\r\n');
    expect(frames).toEqual([{ command: 'api status', headers: [] }]);
  });

  it('waits for a block split over many chunks, byte by byte', () => {
    const parser = new CommandParser();
    const text = 'sendmsg u1\ncall-command: execute\n\n';
    const frames = Array.from(text).flatMap((c) => feed(parser, c));
    expect(frames).toHaveLength(1);
    expect(frameHeader(frames[0]!, 'call-command')).toBe('execute');
  });

  it('reads a body of exactly Content-Length bytes, counted in bytes', () => {
    const parser = new CommandParser();
    const body = 'héllo wörld';
    const frames = feed(parser, `sendmsg u1\ncontent-length: ${Buffer.byteLength(body)}\n\n${body}exit\n\n`);
    expect(frames.map((f) => [f.command, f.body])).toEqual([
      ['sendmsg u1', body],
      ['exit', undefined],
    ]);
  });

  it('force-terminates a block at the size limit and carries on', () => {
    const parser = new CommandParser(1000);
    const frames = feed(parser, `api ${'x'.repeat(2000)}\n\nexit\n\n`);
    expect(frames[0]!.command).toHaveLength(1000);
    expect(frames.at(-1)!.command).toBe('exit');
  });

  it('rejects an absurd body length', () => {
    expect(() => feed(new CommandParser(), 'sendevent X\ncontent-length: 99999999999\n\n')).toThrow(
      FrameTooLargeError,
    );
    expect(() => feed(new CommandParser(), 'sendevent X\ncontent-length: -5\n\n')).toThrow(
      FrameTooLargeError,
    );
  });
});
