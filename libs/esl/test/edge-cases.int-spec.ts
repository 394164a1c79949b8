/** Server behaviour fs-sim cannot be driven into on demand, from a scripted ESL peer over TCP. */
import { waitFor } from '@autotelesale/testing';
import { EslClient, type DisconnectedInfo, type EslEvent } from '../src/index';
import { ScriptedEslServer } from './scripted-server';

const FAST = { initialDelayMs: 10, maxDelayMs: 50 };

describe('EslClient against a scripted peer', () => {
  const servers: ScriptedEslServer[] = [];
  const clients: EslClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    for (const s of servers.splice(0)) await s.close();
  });

  async function setup(onCommand?: ConstructorParameters<typeof ScriptedEslServer>[0]) {
    const server = new ScriptedEslServer(onCommand);
    servers.push(server);
    const port = await server.listen();
    const client = new EslClient({
      host: '127.0.0.1',
      port,
      password: 'x',
      reconnect: FAST,
      events: ['CHANNEL_ANSWER'],
    });
    clients.push(client);
    const disconnected: DisconnectedInfo[] = [];
    const events: EslEvent[] = [];
    client.on('disconnected', (d) => void disconnected.push(d));
    client.on('event', (e) => void events.push(e));
    return { server, client, disconnected, events };
  }

  it('reports "killed listener because of lost events" as LOST_EVENTS and reconnects', async () => {
    const { server, client, disconnected } = await setup((line, socket) => {
      if (line === 'api kill me')
        socket.end(ScriptedEslServer.notice('killed listener because of lost events\n'));
    });
    await client.connect();
    await expect(client.api('kill me')).rejects.toMatchObject({ code: 'ESL_DISCONNECTED' });
    expect(disconnected[0]).toMatchObject({ reason: 'LOST_EVENTS', failedRequests: 1 });
    await waitFor(() => client.state === 'connected' && server.connections === 2, {
      description: 'reconnected',
    });
  });

  it('drops a connection that sends garbage (bad Content-Length) as PROTOCOL_ERROR and reconnects', async () => {
    const { server, client, disconnected } = await setup((line, socket) => {
      if (line === 'api garbage') socket.write('Content-Length: banana\n\n');
    });
    await client.connect();
    await expect(client.api('garbage')).rejects.toMatchObject({ code: 'ESL_DISCONNECTED' });
    expect(disconnected[0]!.reason).toBe('PROTOCOL_ERROR');
    await waitFor(() => client.state === 'connected' && server.connections === 2, {
      description: 'reconnected',
    });
  });

  it('skips malformed JSON events, keeps the ones around them, never throws', async () => {
    const malformed: string[] = [];
    const { client, events } = await setup((line, socket) => {
      if (line !== 'api burst') return;
      socket.write('Content-Type: api/response\nContent-Length: 3\n\n+OK');
      const bad = '{"Event-Name":"CHANNEL_ANSWER",';
      socket.write(ScriptedEslServer.event({ 'Event-Name': 'CHANNEL_ANSWER', 'Unique-ID': 'a' }));
      socket.write(`Content-Length: ${bad.length}\nContent-Type: text/event-json\n\n${bad}`);
      socket.write(ScriptedEslServer.event({ 'Event-Name': 'CHANNEL_ANSWER' }));
      socket.write(ScriptedEslServer.event({ 'Event-Name': 'CHANNEL_ANSWER', 'Unique-ID': 'b' }));
    });
    client.on('malformedEvent', (m) => void malformed.push(m.reason));
    await client.connect();
    await client.api('burst');
    await waitFor(() => events.length === 2, { description: 'the two good events' });
    expect(events.map((e) => ('uniqueId' in e ? e.uniqueId : undefined))).toEqual(['a', 'b']);
    expect(malformed).toHaveLength(2);
    expect(client.stats().malformedEvents).toBe(2);
    expect(client.state).toBe('connected');
  });

  it('a listener that throws is reported and the others still run', async () => {
    const errors: unknown[] = [];
    const { client, events } = await setup((line, socket) => {
      if (line === 'api one') {
        socket.write('Content-Type: api/response\nContent-Length: 3\n\n+OK');
        socket.write(ScriptedEslServer.event({ 'Event-Name': 'CHANNEL_ANSWER', 'Unique-ID': 'a' }));
      }
    });
    client.on('event', () => {
      throw new Error('listener bug');
    });
    client.on('listenerError', (e) => void errors.push(e.error));
    await client.connect();
    await client.api('one');
    await waitFor(() => events.length === 1 && errors.length === 1, { description: 'both listeners ran' });
  });

  it('maps a bgapi refused by the node to ESL_COMMAND_FAILED', async () => {
    const { client } = await setup((line, socket) => {
      if (line.startsWith('bgapi '))
        socket.write('Content-Type: command/reply\nReply-Text: -ERR permission denied\n\n');
    });
    await client.connect();
    await expect(client.bgapi('originate x')).rejects.toMatchObject({ code: 'ESL_COMMAND_FAILED' });
    expect(client.stats().inFlight).toBe(0);
  });

  it('maps an api refused by permissions (a command/reply, not an api/response) to ESL_COMMAND_FAILED', async () => {
    const { client } = await setup((line, socket) => {
      if (line.startsWith('api '))
        socket.write('Content-Type: command/reply\nReply-Text: -ERR permission denied\n\n');
    });
    await client.connect();
    await expect(client.api('status')).rejects.toMatchObject({ code: 'ESL_COMMAND_FAILED' });
  });

  it('times out a bgapi whose BACKGROUND_JOB never comes, and forgets the job', async () => {
    const { client } = await setup((line, socket) => {
      if (line.startsWith('bgapi '))
        socket.write('Content-Type: command/reply\nReply-Text: +OK Job-UUID: j\n\n');
    });
    await client.connect();
    await expect(client.bgapi('originate x', { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'ESL_TIMEOUT',
    });
    expect(client.stats()).toMatchObject({ inFlight: 0, timeouts: 1 });
  });

  it('retries when the node refuses our subscription, and reports why', async () => {
    const { server, client } = await setup();
    server.eventReply = '-ERR permission denied';
    const reasons: string[] = [];
    client.on('reconnecting', () => void reasons.push('retry'));
    const connecting = client.connect();
    await waitFor(() => server.connections >= 3, { description: 'three attempts' });
    server.eventReply = '+OK event listener enabled json';
    await connecting;
    expect(client.stats().commandFailures).toBeGreaterThanOrEqual(2);
  });

  it('a rude rejection (ACL) is retried like any refused connection', async () => {
    const server = new ScriptedEslServer();
    servers.push(server);
    server.greeting = 'Content-Type: text/rude-rejection\nContent-Length: 24\n\nAccess Denied, go away.\n';
    const port = await server.listen();
    const client = new EslClient({ host: '127.0.0.1', port, password: 'x', reconnect: FAST });
    clients.push(client);
    const connecting = client.connect();
    connecting.catch(() => undefined);
    await waitFor(() => server.connections >= 2, { description: 'a retry' });
    expect(client.state).toBe('connecting');
  });

  it('close() fails what is pending with ESL_CLOSED and stops reconnecting', async () => {
    const { server, client, disconnected } = await setup();
    await client.connect();
    const pending = client.api('never answered');
    const job = client.bgapi('never answered');
    await client.close();
    await expect(pending).rejects.toMatchObject({ code: 'ESL_CLOSED' });
    await expect(job).rejects.toMatchObject({ code: 'ESL_CLOSED' });
    expect(disconnected.map((d) => d.reason)).toEqual(['CLOSED']);
    expect(server.connections).toBe(1);
    expect(client.state).toBe('closed');
  });
});
