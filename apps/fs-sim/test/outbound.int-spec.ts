/**
 * Outbound socket mode (reference 6.1, 2 and checklist item 12): the `socket` application
 * dials a controller, which is a raw TCP server here, and every byte it receives is checked.
 */
import { expectEventually } from '@autotelesale/testing';
import { header, plainEvent, RawEslClient, type WireMessage } from './raw-esl-client';
import { OutboundServer } from './outbound-server';
import { gw, NUMBERS, TEST_SCENARIO, useTestSim } from './test-sim';

const json = (m: WireMessage) => JSON.parse(m.body) as Record<string, string>;
const GOODBYE = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';

describe('outbound socket mode', () => {
  let server: OutboundServer;
  beforeAll(async () => {
    server = await OutboundServer.listen();
  });
  const env = useTestSim(() => ({
    authTimeoutMs: 300,
    controlPort: 0,
    // Extension 9100 goes to the controller; after `resume` the dialplan plays a file.
    scenario: {
      ...TEST_SCENARIO,
      dialplan: { '9100': `socket:127.0.0.1:${server.port} async,playback:/sounds/after.wav` },
    },
  }));
  afterAll(() => server.close());
  let calls = 0;

  /** An inbound monitor subscribed to the call's life, and a call handed to `app`. */
  const callTo = async (app: string, target = `'&${app}'`) => {
    const uuid = `outbound-${++calls}`;
    const monitor = await env.client();
    monitor.send(
      'event json CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE CHANNEL_PARK CHANNEL_HANGUP BACKGROUND_JOB',
    );
    await monitor.nextReply();
    monitor.send(`bgapi originate {origination_uuid=${uuid}}${gw(NUMBERS.answersAndStays)} ${target}`);
    await monitor.nextReply();
    return { uuid, monitor };
  };
  const forCall = (monitor: RawEslClient, uuid: string, name: string) =>
    monitor.nextMatching(
      (m) =>
        header(m, 'Content-Type') === 'text/event-json' &&
        json(m)['Event-Name'] === name &&
        json(m)['Unique-ID'] === uuid,
      5000,
      `${name} of ${uuid}`,
    );

  it('dials the controller without auth/request and answers connect with the URL-encoded CHANNEL_DATA', async () => {
    const { uuid, monitor } = await callTo(`socket(127.0.0.1:${server.port} async full)`);
    const ctl = env.track(await server.next());
    const execute = json(await forCall(monitor, uuid, 'CHANNEL_EXECUTE'));
    expect([execute['Application'], execute['Application-Data']]).toEqual([
      'socket',
      `127.0.0.1:${server.port} async full`,
    ]);
    // async: the session parks while the controller drives it.
    await forCall(monitor, uuid, 'CHANNEL_PARK');
    expect(ctl.allBytes).toHaveLength(0);

    ctl.send('connect');
    const reply = await ctl.next();
    const lines = reply.head.split('\n');
    expect(lines[0]).toBe('Event-Name: CHANNEL_DATA');
    expect(lines.slice(-4)).toEqual([
      'Content-Type: command/reply',
      'Reply-Text: %2BOK%0A',
      'Socket-Mode: async',
      'Control: full',
    ]);
    // One header block, no envelope Content-Length, ends with the blank line.
    expect(reply.raw.toString()).toBe(`${reply.head}\n\n`);
    expect(header(reply, 'Content-Length')).toBeUndefined();
    const data = new Map(plainEvent(`${reply.head}\n\n`).headers);
    expect(data.get('Reply-Text')).toBe('+OK\n');
    expect(data.get('Core-UUID')).toBe(env.sim.nodes[0]!.coreUuid);
    expect(data.get('Unique-ID')).toBe(uuid);
    expect(data.get('Channel-Unique-ID')).toBe(uuid);
    expect(data.get('Channel-Destination-Number')).toBe(NUMBERS.answersAndStays);
    expect(data.get('Caller-Destination-Number')).toBe(NUMBERS.answersAndStays);
    expect(data.get('Answer-State')).toBe('answered');
    expect(data.get('variable_socket_host')).toBe('127.0.0.1');
    expect(data.get('variable_current_application')).toBe('socket');
    // Values are URL-encoded on the wire like any plain event.
    expect(lines).toContain(`variable_current_application_data: 127.0.0.1%3A${server.port}%20async%20full`);
  });

  it('restricts a socket without full to the single-channel commands; static sendmsg replies after the app ran', async () => {
    const { uuid, monitor } = await callTo(`socket(127.0.0.1:${server.port})`);
    const ctl = env.track(await server.next());
    ctl.send('connect');
    const reply = await ctl.next();
    expect(reply.head.split('\n').slice(-2)).toEqual(['Socket-Mode: static', 'Control: single-channel']);
    const replyText = async (command: string, headers: Record<string, string> = {}) => {
      ctl.send(command, headers);
      return header(await ctl.nextReply(), 'Reply-Text');
    };
    for (const refused of [
      'api status',
      'bgapi status',
      'event plain ALL',
      'linger',
      'nolinger',
      'log 7',
      'sendevent CUSTOM',
    ]) {
      expect([refused, await replyText(refused)]).toEqual([refused, '-ERR command not found']);
    }
    expect(await replyText('getvar socket_host')).toBe('127.0.0.1');
    expect(await replyText('myevents')).toBe('+OK Events Enabled');
    expect(await replyText('myevents')).toBe('-ERR aready enabled.');
    expect(await replyText('filter Event-Name CHANNEL_EXECUTE_COMPLETE')).toBe(
      '+OK filter added. [Event-Name]=[CHANNEL_EXECUTE_COMPLETE]',
    );
    expect(await replyText('divert_events on')).toBe('+OK events diverted');

    // Static: the session thread runs the playback before answering, so the getvar sent
    // right behind it already sees the playback as the last application.
    ctl.send('sendmsg', {
      'call-command': 'execute',
      'execute-app-name': 'playback',
      'execute-app-arg': '/sounds/static.wav',
      'Event-UUID': 'static-app-1',
    });
    ctl.send('getvar last_app');
    expect(header(await ctl.nextReply(), 'Reply-Text')).toBe('+OK');
    expect(header(await ctl.nextReply(), 'Reply-Text')).toBe('playback');
    const complete = await ctl.nextMatching((m) => header(m, 'Content-Type') === 'text/event-plain');
    const event = new Map(plainEvent(complete.body).headers);
    expect([event.get('Event-Name'), event.get('Application'), event.get('Application-UUID')]).toEqual([
      'CHANNEL_EXECUTE_COMPLETE',
      'playback',
      'static-app-1',
    ]);

    // exit: +OK bye, the goodbye naming the session, close; without resume the call ends.
    ctl.send('exit');
    await ctl.waitClosed();
    const tail = Buffer.concat(ctl.allBytes).toString();
    expect(
      tail.endsWith(
        'Content-Type: command/reply\nReply-Text: +OK bye\n\n' +
          `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${uuid}\nContent-Disposition: disconnect\n` +
          `Content-Length: 67\n\n${GOODBYE}`,
      ),
    ).toBe(true);
    const hangup = json(await forCall(monitor, uuid, 'CHANNEL_HANGUP'));
    expect(hangup['Hangup-Cause']).toBe('NORMAL_CLEARING');
  });

  it('with async full: api, bgapi with Job-Owner-UUID, queued sendmsg, and linger after the hangup', async () => {
    const { uuid, monitor } = await callTo(`socket(127.0.0.1:${server.port} async full)`);
    const ctl = env.track(await server.next());
    ctl.send('connect');
    await ctl.next();
    ctl.send('linger 5');
    expect(header(await ctl.nextReply(), 'Reply-Text')).toBe('+OK will linger 5 seconds');
    ctl.send('myevents json');
    expect(header(await ctl.nextReply(), 'Reply-Text')).toBe('+OK Events Enabled');
    ctl.send(`api uuid_getvar ${uuid} socket_host`);
    expect((await ctl.nextApi()).raw.toString()).toBe(
      'Content-Type: api/response\nContent-Length: 9\n\n127.0.0.1',
    );
    ctl.send('bgapi uptime s', { 'Job-UUID': 'outbound-job-1' });
    expect(header(await ctl.nextReply(), 'Reply-Text')).toBe('+OK Job-UUID: outbound-job-1');
    const job = await monitor.nextMatching(
      (m) => header(m, 'Content-Type') === 'text/event-json' && json(m)['Job-UUID'] === 'outbound-job-1',
    );
    expect(json(job)['Job-Owner-UUID']).toBe(uuid);

    // Async: +OK at once; the app runs later, while parked, so a getvar sent in the same
    // packet still sees the socket application running.
    ctl.writeRaw(
      'sendmsg\ncall-command: execute\nexecute-app-name: playback\nexecute-app-arg: /sounds/async.wav\n' +
        'Event-UUID: async-app-1\n\ngetvar current_application\n\n',
    );
    expect(header(await ctl.nextReply(), 'Reply-Text')).toBe('+OK');
    expect(header(await ctl.nextReply(), 'Reply-Text')).toBe('socket');
    const done = await ctl.nextMatching(
      (m) =>
        header(m, 'Content-Type') === 'text/event-json' &&
        json(m)['Event-Name'] === 'CHANNEL_EXECUTE_COMPLETE',
      5000,
      'the CHANNEL_EXECUTE_COMPLETE of the queued playback',
    );
    expect([json(done)['Application'], json(done)['Application-UUID']]).toEqual(['playback', 'async-app-1']);

    // Hangup with linger: the linger notice, the socket stays, the late events still come.
    monitor.send(`api uuid_kill ${uuid}`);
    const notice = await ctl.nextMatching(
      (m) => header(m, 'Content-Type') === 'text/disconnect-notice',
      5000,
      'the linger notice',
    );
    expect(notice.raw.toString()).toBe(
      `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${uuid}\nContent-Disposition: linger\n` +
        `Channel-Name: sofia/external/${NUMBERS.answersAndStays}\nLinger-Time: 5\nContent-Length: 0\n\n`,
    );
    await ctl.nextMatching(
      (m) => header(m, 'Content-Type') === 'text/event-json' && json(m)['Event-Name'] === 'CHANNEL_DESTROY',
      5000,
      'CHANNEL_DESTROY after the linger notice',
    );
    expect(ctl.closed).toBe(false);
  });

  it('routes an extension to the socket; after resume the dialplan goes on when the controller leaves', async () => {
    const { uuid, monitor } = await callTo('', '9100');
    const ctl = env.track(await server.next());
    ctl.send('connect');
    await ctl.next();
    ctl.send('resume');
    expect(header(await ctl.nextReply(), 'Reply-Text')).toBe('+OK');
    ctl.close();
    const socketDone = json(await forCall(monitor, uuid, 'CHANNEL_EXECUTE_COMPLETE'));
    expect(socketDone['Application']).toBe('socket');
    const next = json(await forCall(monitor, uuid, 'CHANNEL_EXECUTE'));
    expect([next['Application'], next['Application-Data']]).toEqual(['playback', '/sounds/after.wav']);
    monitor.send(`api uuid_kill ${uuid}`);
    await forCall(monitor, uuid, 'CHANNEL_HANGUP');
  });

  it('fails over to the next target, and returns from the app when no target answers', async () => {
    const closed = await OutboundServer.listen();
    const deadPort = closed.port;
    await closed.close();
    const first = await callTo(`socket(127.0.0.1:${deadPort}|127.0.0.1:${server.port} async full)`);
    const ctl = env.track(await server.next());
    ctl.send('connect');
    expect(header(await ctl.next(), 'Unique-ID')).toBe(first.uuid);

    const second = await callTo(`socket(127.0.0.1:${deadPort} async full)`);
    const done = json(await forCall(second.monitor, second.uuid, 'CHANNEL_EXECUTE_COMPLETE'));
    expect(done['Application']).toBe('socket');
    // Nothing else to run: the call ends normally.
    expect(json(await forCall(second.monitor, second.uuid, 'CHANNEL_HANGUP'))['Hangup-Cause']).toBe(
      'NORMAL_CLEARING',
    );
  });

  it('says goodbye, naming the session, when the controller sends nothing in time', async () => {
    const { uuid, monitor } = await callTo(`socket(127.0.0.1:${server.port} async full)`);
    const ctl = env.track(await server.next());
    await ctl.waitClosed();
    expect(Buffer.concat(ctl.allBytes).toString()).toBe(
      `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${uuid}\nContent-Disposition: disconnect\n` +
        `Content-Length: 67\n\n${GOODBYE}`,
    );
    await expectEventually(async () =>
      expect(json(await forCall(monitor, uuid, 'CHANNEL_HANGUP'))['Hangup-Cause']).toBe('NORMAL_CLEARING'),
    );
  });

  it('hands a simulated inbound call (control API) to the socket of its extension; the controller answers it', async () => {
    const monitor = await env.client();
    monitor.send('event json CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_HANGUP');
    await monitor.nextReply();
    const post = (path: string, body: unknown) =>
      fetch(`http://127.0.0.1:${env.sim.controlPort}${path}`, { method: 'POST', body: JSON.stringify(body) });
    const res = await post('/nodes/0/calls', { from: '15557770001', to: '9100', uuid: 'inbound-1' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ uuid: 'inbound-1', number: '9100', answerState: 'ringing' });
    const created = json(await forCall(monitor, 'inbound-1', 'CHANNEL_CREATE'));
    expect([created['Call-Direction'], created['Caller-Caller-ID-Number']]).toEqual([
      'inbound',
      '15557770001',
    ]);

    const ctl = env.track(await server.next());
    ctl.send('connect');
    const data = new Map(plainEvent(`${(await ctl.next()).head}\n\n`).headers);
    expect([data.get('Unique-ID'), data.get('Answer-State'), data.get('Channel-Destination-Number')]).toEqual(
      ['inbound-1', 'ringing', '9100'],
    );
    ctl.send('sendmsg', { 'call-command': 'execute', 'execute-app-name': 'answer' });
    expect(header(await ctl.nextReply(), 'Reply-Text')).toBe('+OK');
    expect(json(await forCall(monitor, 'inbound-1', 'CHANNEL_ANSWER'))['Answer-State']).toBe('answered');

    // The caller hangs up: the controller is told (no linger) and the socket closes.
    expect((await post('/channels/inbound-1/hangup', {})).status).toBe(200);
    expect(json(await forCall(monitor, 'inbound-1', 'CHANNEL_HANGUP'))['Hangup-Cause']).toBe(
      'NORMAL_CLEARING',
    );
    await ctl.waitClosed();
    expect(Buffer.concat(ctl.allBytes).toString()).toContain(
      'Controlled-Session-UUID: inbound-1\nContent-Disposition: disconnect\n',
    );

    // A caller who gives up before anyone answers cancels; a bad request is refused.
    await post('/nodes/0/calls', { from: '15557770002', to: '4242', uuid: 'inbound-2' });
    await post('/channels/inbound-2/hangup', {});
    expect(json(await forCall(monitor, 'inbound-2', 'CHANNEL_HANGUP'))['Hangup-Cause']).toBe(
      'ORIGINATOR_CANCEL',
    );
    const bad = await post('/nodes/0/calls', { from: 'a b', to: '9100' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });
});
