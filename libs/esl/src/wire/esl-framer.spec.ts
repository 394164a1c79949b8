import { EslFramer, parseHeaderBlock, type EslMessage } from './esl-framer';

const event = (json: string) =>
  `Content-Length: ${Buffer.byteLength(json)}\nContent-Type: text/event-json\n\n${json}`;

function frame(chunks: Array<string | Buffer>): EslMessage[] {
  const framer = new EslFramer();
  const out: EslMessage[] = [];
  for (const c of chunks) framer.push(typeof c === 'string' ? Buffer.from(c) : c, (m) => out.push(m));
  return out;
}

describe('EslFramer', () => {
  const stream =
    'Content-Type: auth/request\n\n' +
    'Content-Type: command/reply\nReply-Text: +OK accepted\n\n' +
    'Content-Type: api/response\nContent-Length: 7\n\n+OK é\n' +
    event('{"Event-Name":"HEARTBEAT","_body":"ünïcode"}') +
    'Content-Type: command/reply\nReply-Text: +OK Job-UUID: j1\nJob-UUID: j1\n\n';

  it('splits a stream into messages, measuring bodies in bytes', () => {
    const messages = frame([stream]);
    expect(messages.map((m) => m.headers['Content-Type'])).toEqual([
      'auth/request',
      'command/reply',
      'api/response',
      'text/event-json',
      'command/reply',
    ]);
    expect(messages[2]!.body).toBe('+OK é\n');
    expect(JSON.parse(messages[3]!.body!)._body).toBe('ünïcode');
    expect(messages[4]!.headers['Job-UUID']).toBe('j1');
  });

  it('gives the same messages whatever the chunking, down to single bytes and split UTF-8', () => {
    const whole = frame([stream]);
    const bytes = Buffer.from(stream);
    for (const size of [1, 2, 3, 7, 13, 64]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      expect(frame(chunks)).toEqual(whole);
    }
  });

  it('tolerates leading blank lines and CRLF header lines', () => {
    const messages = frame(['\n\nContent-Type: command/reply\r\nReply-Text: +OK\r\n\n']);
    expect(messages).toEqual([
      { headers: { 'Content-Type': 'command/reply', 'Reply-Text': '+OK' }, body: undefined },
    ]);
  });

  it('handles Content-Length: 0', () => {
    const messages = frame([
      'Content-Type: text/disconnect-notice\nContent-Length: 0\n\nContent-Type: auth/request\n\n',
    ]);
    expect(messages.map((m) => m.body)).toEqual(['', undefined]);
  });

  it('rejects a bad or huge Content-Length with a typed protocol error', () => {
    expect(() => frame(['Content-Length: -1\n\n'])).toThrow(
      expect.objectContaining({ code: 'ESL_PROTOCOL' }),
    );
    expect(() => frame(['Content-Length: abc\n\n'])).toThrow(
      expect.objectContaining({ code: 'ESL_PROTOCOL' }),
    );
    expect(() => frame([`Content-Length: ${20 * 1024 * 1024}\n\n`])).toThrow(
      expect.objectContaining({ code: 'ESL_PROTOCOL' }),
    );
  });

  it('refuses an endless header block instead of buffering it forever', () => {
    expect(() => frame(['X-A: ' + 'a'.repeat(70 * 1024)])).toThrow(
      expect.objectContaining({ code: 'ESL_PROTOCOL' }),
    );
  });

  it('keeps little memory between messages', () => {
    const framer = new EslFramer();
    framer.push(Buffer.from(event('{"Event-Name":"X"}').repeat(100)), () => undefined);
    expect(framer.bufferedBytes).toBe(0);
  });
});

describe('parseHeaderBlock', () => {
  it('URL-decodes values, and never throws on a bad escape (modesl bug #59)', () => {
    expect(parseHeaderBlock('Reply-Text: %2BOK%0A\nName: Jos%E9\nA: b: c')).toEqual({
      'Reply-Text': '+OK\n',
      Name: 'Jos%E9',
      A: 'b: c',
    });
  });
});
