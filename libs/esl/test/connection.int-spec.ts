/** One client against fs-sim over real TCP: auth, api, bgapi originate, typed events. */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { expectEventually, waitFor } from '@autotelesale/testing';
import { EslClient, EslError, type EslEvent } from '../src/index';
import { FreezableProxy } from './tcp-proxy';
import { gw, NUMBERS, PASSWORD, startTestSim, type FsSimProcess } from './test-sim';

const EVENTS = [
  'CHANNEL_CREATE',
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_ANSWER',
  'CHANNEL_BRIDGE',
  'CHANNEL_UNBRIDGE',
  'CHANNEL_PARK',
  'CHANNEL_EXECUTE_COMPLETE',
  'CHANNEL_HANGUP',
  'CHANNEL_HANGUP_COMPLETE',
  'CHANNEL_DESTROY',
  'DTMF',
  'RECORD_START',
  'RECORD_STOP',
  'CUSTOM avmd::start avmd::beep avmd::stop',
];

describe('EslClient against fs-sim', () => {
  let sim: FsSimProcess;
  let client: EslClient;
  const seen: EslEvent[] = [];
  const forCall = (uuid: string) =>
    seen.filter(
      (e) => ('uniqueId' in e && e.uniqueId === uuid) || (e.kind === 'job' && e.body?.includes(uuid)),
    );

  beforeAll(async () => {
    sim = await startTestSim();
    client = new EslClient({
      host: '127.0.0.1',
      port: sim.nodes[0]!.port,
      password: PASSWORD,
      events: EVENTS,
    });
    client.on('event', (e) => void seen.push(e));
  });
  afterAll(async () => {
    await client?.close();
    await sim?.stop();
  });

  it('connects, authenticates and reports the node Core-UUID', async () => {
    const info = await client.connect();
    expect(info.coreUuid).toBe(sim.nodes[0]!.coreUuid);
    expect(client.state).toBe('connected');
    expect(await client.api('status')).toMatch(/^UP /);
    expect(await client.showChannels()).toEqual([]);
  });

  it('refuses a wrong password with ESL_AUTH_FAILED and does not retry', async () => {
    const bad = new EslClient({ host: '127.0.0.1', port: sim.nodes[0]!.port, password: 'wrong' });
    const reconnecting = jest.fn();
    bad.on('reconnecting', reconnecting);
    await expect(bad.connect()).rejects.toMatchObject({ code: 'ESL_AUTH_FAILED' });
    expect(bad.state).toBe('closed');
    expect(reconnecting).not.toHaveBeenCalled();
    await expect(bad.api('status')).rejects.toMatchObject({ code: 'ESL_CLOSED' });
  });

  it('keeps retrying a node that is not there, with back-off, until closed', async () => {
    const proxy = new FreezableProxy(1); // nothing listens on port 1: every upstream connect fails
    const port = await proxy.listen();
    const lonely = new EslClient({
      host: '127.0.0.1',
      port,
      password: PASSWORD,
      reconnect: { initialDelayMs: 5, maxDelayMs: 40, jitter: 0 },
    });
    const delays: number[] = [];
    lonely.on('reconnecting', (r) => void delays.push(r.delayMs));
    const connecting = lonely.connect();
    await waitFor(() => delays.length >= 5, { description: 'five reconnect attempts' });
    expect(delays.slice(0, 5)).toEqual([5, 10, 20, 40, 40]);
    await expect(lonely.bgapi('status')).rejects.toMatchObject({ code: 'ESL_NOT_CONNECTED' });
    await lonely.close();
    await expect(connecting).rejects.toMatchObject({ code: 'ESL_CLOSED' });
    await proxy.close();
  });

  it('originates with bgapi and our Job-UUID, and sees the 4.4 sequence as typed events', async () => {
    const uuid = randomUUID();
    const jobUuid = randomUUID();
    const result = await client.originate(
      { uuid, endpoint: gw(NUMBERS.answersShort), tracking: { ats_call_id: 'call-1', ats_note: "a, b 'c'" } },
      { jobUuid },
    );
    expect(result).toMatchObject({ ok: true, uuid, jobUuid, coreUuid: sim.nodes[0]!.coreUuid });
    await waitFor(() => forCall(uuid).some((e) => e.name === 'CHANNEL_DESTROY'), {
      description: 'CHANNEL_DESTROY',
    });
    const names = forCall(uuid).map((e) => e.name);
    expect(names.filter((n) => n !== 'BACKGROUND_JOB')).toEqual([
      'CHANNEL_CREATE',
      'CHANNEL_PROGRESS',
      'CHANNEL_ANSWER',
      'CHANNEL_PARK',
      'CHANNEL_HANGUP',
      'CHANNEL_EXECUTE_COMPLETE',
      'CHANNEL_HANGUP_COMPLETE',
      'CHANNEL_DESTROY',
    ]);
    const job = forCall(uuid).find((e) => e.kind === 'job');
    expect(job?.kind === 'job' && job.jobUuid).toBe(jobUuid);
    const create = forCall(uuid).find((e) => e.name === 'CHANNEL_CREATE')!;
    // The escaped value arrives intact as a channel variable.
    expect(
      create.kind === 'channel' && [create.variable('ats_call_id'), create.variable('ats_note')],
    ).toEqual(['call-1', "a, b 'c'"]);
    const answer = forCall(uuid).find((e) => e.name === 'CHANNEL_ANSWER')!;
    expect(answer.kind === 'channel' && answer.answerState).toBe('answered');
    const complete = forCall(uuid).find((e) => e.name === 'CHANNEL_HANGUP_COMPLETE')!;
    expect(complete.kind === 'hangup' && complete.hangupCause).toBe('NORMAL_CLEARING');
  });

  it('maps the 4.5 failure path to a typed result with the hangup cause', async () => {
    const uuid = randomUUID();
    const result = await client.originate({ uuid, endpoint: gw(NUMBERS.busy) });
    expect(result).toMatchObject({ ok: false, cause: 'USER_BUSY' });
    await expectEventually(() => {
      const names = forCall(uuid).map((e) => e.name);
      expect(names).toContain('CHANNEL_DESTROY');
      expect(names).not.toContain('CHANNEL_ANSWER');
    });
    const hangup = forCall(uuid).find((e) => e.name === 'CHANNEL_HANGUP')!;
    expect(hangup.kind === 'hangup' && hangup.hangupCause).toBe('USER_BUSY');

    const timedOut = await client.originate({
      uuid: randomUUID(),
      endpoint: gw(NUMBERS.noAnswer),
      timeoutSec: 5,
    });
    expect(timedOut).toMatchObject({ ok: false, cause: 'NO_ANSWER' });
  });

  it('types DTMF, RECORD_START/STOP and the AMD CUSTOM events of a live call', async () => {
    const uuid = randomUUID();
    expect(await client.originate({ uuid, endpoint: gw(NUMBERS.machine) })).toMatchObject({ ok: true });
    expect(await client.api(`avmd ${uuid} start`)).toMatch(/^\+OK/);
    expect(await client.api(`uuid_record ${uuid} start /tmp/esl-test.wav`)).toBe('+OK Success\n');
    await sim.control(`/channels/${uuid}/dtmf`, { digits: '5' });
    expect(await client.api(`uuid_record ${uuid} stop /tmp/esl-test.wav`)).toBe('+OK Success\n');
    await waitFor(() => forCall(uuid).some((e) => e.kind === 'amd' && e.subclass === 'avmd::beep'), {
      description: 'the beep',
    });
    // RECORD_STOP fires when the media bug closes on the channel's thread, after the
    // api reply: like FreeSWITCH, the reply does not wait for it.
    await waitFor(() => forCall(uuid).some((e) => e.name === 'RECORD_STOP'), {
      description: 'RECORD_STOP',
    });
    const dtmf = forCall(uuid).find((e) => e.kind === 'dtmf');
    expect(dtmf?.kind === 'dtmf' && dtmf.digit).toBe('5');
    const records = forCall(uuid).filter((e) => e.kind === 'record');
    expect(records.map((e) => e.kind === 'record' && [e.name, e.recordFilePath])).toEqual([
      ['RECORD_START', '/tmp/esl-test.wav'],
      ['RECORD_STOP', '/tmp/esl-test.wav'],
    ]);
    const beep = forCall(uuid).find((e) => e.kind === 'amd' && e.subclass === 'avmd::beep');
    expect(beep?.kind === 'amd' && beep.result).toBe('DETECTED');
    await client.api(`uuid_kill ${uuid}`);
  });

  it('reports a malformed event and keeps going', async () => {
    const malformed: string[] = [];
    const off = client.on('malformedEvent', (m) => void malformed.push(m.reason));
    // A CHANNEL_ANSWER without Unique-ID, fired on the node's bus by sendevent.
    const sent = await sendevent(sim.nodes[0]!.port, 'CHANNEL_ANSWER');
    expect(sent).toMatch(/^\+OK/);
    await waitFor(() => malformed.length > 0, { description: 'a malformed event report' });
    expect(malformed[0]).toBe('CHANNEL_ANSWER without Unique-ID');
    const uuid = randomUUID();
    await client.originate({ uuid, endpoint: gw(NUMBERS.answersShort) });
    await waitFor(() => forCall(uuid).some((e) => e.name === 'CHANNEL_ANSWER'), {
      description: 'events after it',
    });
    off();
  });

  it('times out an api, and drops its late reply instead of handing it to the next request', async () => {
    const proxy = new FreezableProxy(sim.nodes[0]!.port);
    const c = new EslClient({ host: '127.0.0.1', port: await proxy.listen(), password: PASSWORD });
    await c.connect();
    proxy.freeze();
    const started = Date.now();
    await expect(c.api('echo first', { timeoutMs: 150 })).rejects.toMatchObject({ code: 'ESL_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(1_000);
    proxy.thaw();
    expect(await c.api('echo second')).toBe('second');
    expect(c.stats().timeouts).toBe(1);
    await c.close();
    await proxy.close();
  });

  it('refuses a command with a line break (it would inject a second ESL command)', async () => {
    await expect(client.api('status\n\nexit')).rejects.toBeInstanceOf(EslError);
    await expect(client.bgapi('status\nexit')).rejects.toMatchObject({ code: 'ESL_INVALID_ARGUMENT' });
  });
});

/** Fires an event on the node's bus from a second, raw connection (not the dialer's interface). */
async function sendevent(port: number, name: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString()));
  try {
    await waitFor(() => text.includes('auth/request'), { description: 'auth/request' });
    socket.write(`auth ${PASSWORD}\n\n`);
    await waitFor(() => text.includes('+OK accepted'), { description: 'auth reply' });
    socket.write(`sendevent ${name}\nX-Test: 1\n\n`);
    const m = await waitFor(() => /accepted[\s\S]*Reply-Text: (.*)\n/.exec(text), {
      description: 'sendevent reply',
    });
    return m[1]!;
  } finally {
    socket.destroy();
  }
}
