import { HeaderBlock, SimEvent } from './sim-event';

const build = (useBlock: boolean, block: HeaderBlock) => {
  const ev = new SimEvent('CHANNEL_ANSWER').add('Event-Name', 'CHANNEL_ANSWER').add('Unique-ID', 'u 1');
  if (useBlock) ev.addBlock(block);
  else for (let i = 0; i < block.headers.length; i += 2) ev.add(block.headers[i]!, block.headers[i + 1]!);
  ev.add('Application', 'park');
  return ev;
};

describe('SimEvent', () => {
  const block = new HeaderBlock(['variable_a', 'x "quoted" ü', 'variable_b', 'c:d']);

  it('serialises a shared block exactly like the same headers added one by one', () => {
    for (const format of ['json', 'plain', 'xml'] as const) {
      expect(build(true, block).serialize(format)).toBe(build(false, block).serialize(format));
    }
    expect(build(true, block).get('VARIABLE_B')).toBe('c:d');
  });

  it('writes JSON with every value a string, escapes where needed, and appends the body', () => {
    const ev = new SimEvent('BACKGROUND_JOB')
      .add('Event-Name', 'BACKGROUND_JOB')
      .add('Event-Sequence', 7)
      .add('Empty', '');
    ev.body = '+OK done\n';
    expect(ev.serialize('json')).toBe(
      '{"Event-Name":"BACKGROUND_JOB","Event-Sequence":"7","Content-Length":"9","_body":"+OK done\\n"}',
    );
    expect(ev.serialize('plain')).toBe(
      'Event-Name: BACKGROUND_JOB\nEvent-Sequence: 7\nContent-Length: 9\n\n+OK done\n',
    );
  });

  it('frames the wire bytes with Content-Length first, counted in bytes', () => {
    const ev = new SimEvent('X').add('Event-Name', 'X').add('Name', 'José');
    const wire = ev.wireBytes('json').toString('utf8');
    const body = '{"Event-Name":"X","Name":"José"}';
    expect(wire).toBe(`Content-Length: ${Buffer.byteLength(body)}\nContent-Type: text/event-json\n\n${body}`);
    expect(ev.wireBytes('json')).toBe(ev.wireBytes('json'));
  });
});
