/**
 * The simulated world through the control API: agent phones, customers pressing digits
 * or hanging up, machines and beeps, conferences for nailed-up agent legs, and the
 * operator's failover levers (restart a node, cut its ESL port) across several nodes.
 */
import { expectEventually, waitFor } from '@autotelesale/testing';
import { eventName, RawEslClient, type WireMessage } from './raw-esl-client';
import { gw, NUMBERS, useTestSim } from './test-sim';

const json = (m: WireMessage) => JSON.parse(m.body) as Record<string, string>;

describe('world and control API', () => {
  const env = useTestSim({ nodes: 2, controlPort: 0 });
  const client = (node = 0) => env.client(node);
  const base = () => `http://127.0.0.1:${env.sim.controlPort}`;
  const api = async (c: RawEslClient, cmd: string) => {
    c.send(`api ${cmd}`);
    return (await c.nextApi(10_000)).body;
  };
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base()}${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('runs independent nodes with their own port, Core-UUID and hostname', async () => {
    const [a, b] = env.sim.nodes;
    expect(a!.port).not.toBe(b!.port);
    expect(a!.coreUuid).not.toBe(b!.coreUuid);
    expect([a!.hostname, b!.hostname]).toEqual(['fs-sim-1', 'fs-sim-2']);
    const c0 = await client(0);
    const c1 = await client(1);
    expect(
      await api(
        c0,
        `originate {origination_uuid=node0-call,ignore_early_media=true}${gw(NUMBERS.answersAndStays)} &park()`,
      ),
    ).toBe('+OK node0-call\n');
    expect(await api(c1, 'uuid_kill node0-call')).toBe('-ERR No such channel!\n');
    expect(await api(c0, 'uuid_kill node0-call')).toBe('+OK\n');
  });

  it('lets a test answer an agent phone that does not auto-answer', async () => {
    const c = await client();
    c.send('bgapi originate {origination_uuid=agent-1002-leg}user/1002 &park()', { 'Job-UUID': 'job-agent' });
    c.send('event json BACKGROUND_JOB');
    await expectEventually(async () => {
      const agents = (await fetch(`${base()}/agents`).then((r) => r.json())) as Array<{
        ext: string;
        channels: unknown[];
      }>;
      expect(agents.find((a) => a.ext === '1002')!.channels).toHaveLength(1);
    });
    expect((await control('POST', '/agents/1002/answer')).status).toBe(200);
    const job = await c.nextEvent('BACKGROUND_JOB');
    expect(json(job)['_body']).toBe('+OK agent-1002-leg\n');
    expect((await control('POST', '/agents/1002/hangup')).status).toBe(200);
    await expectEventually(async () => expect(await api(c, 'uuid_exists agent-1002-leg')).toBe('false'));
  });

  it('registers and unregisters agent phones', async () => {
    const c = await client();
    expect((await control('POST', '/agents/1001/unregister')).body).toMatchObject({
      ext: '1001',
      registered: false,
    });
    expect(await api(c, 'originate user/1001 &park()')).toBe('-ERR USER_NOT_REGISTERED\n');
    expect(await api(c, 'originate user/4242 &park()')).toBe('-ERR SUBSCRIBER_ABSENT\n');
    await control('POST', '/agents/1001/register', { autoAnswer: true, answerDelayMs: 100 });
    expect(await api(c, 'originate {origination_uuid=agent-1001-back}user/1001 &park()')).toBe(
      '+OK agent-1001-back\n',
    );
    await api(c, 'uuid_kill agent-1001-back');
    expect((await control('POST', '/agents/9999/unregister')).body).toMatchObject({
      error: { code: 'AGENT_NOT_FOUND' },
    });
  });

  it('lets a test press digits and hang up as the customer', async () => {
    const c = await client();
    c.send('event json DTMF CHANNEL_EXECUTE_COMPLETE CHANNEL_HANGUP');
    await c.nextReply();
    await api(
      c,
      `originate {origination_uuid=cust-dtmf,ignore_early_media=true}${gw(NUMBERS.answersAndStays)} &park()`,
    );
    expect(
      await api(
        c,
        "uuid_broadcast cust-dtmf 'play_and_get_digits::1 2 1 20000 # /snd/q.wav silence_stream://250 answer_q \\d+' aleg",
      ),
    ).toBe('+OK Message sent\n');
    await expectEventually(async () =>
      expect((await control('GET', '/channels/cust-dtmf')).body['application']).toBe('play_and_get_digits'),
    );
    expect((await control('POST', '/channels/cust-dtmf/dtmf', { digits: '42' })).status).toBe(200);
    const done = await c.nextMatching(
      (m) => eventName(m) === 'CHANNEL_EXECUTE_COMPLETE' && json(m)['Application'] === 'play_and_get_digits',
    );
    expect(json(done)['variable_answer_q']).toBe('42');
    expect(c.eventNames().filter((n) => n === 'DTMF')).toHaveLength(2);
    expect((await control('POST', '/channels/cust-dtmf/dtmf', { digits: 'no' })).body).toMatchObject({
      error: { code: 'BAD_REQUEST' },
    });
    await control('POST', '/channels/cust-dtmf/hangup');
    const hangup = json(await c.nextEvent('CHANNEL_HANGUP'));
    expect(hangup).toMatchObject({
      'Hangup-Cause': 'NORMAL_CLEARING',
      variable_sip_hangup_disposition: 'recv_bye',
    });
    expect((await control('POST', '/channels/nope/answer')).body).toMatchObject({
      error: { code: 'CHANNEL_NOT_FOUND' },
    });
  });

  it('reports machines through amd variables and avmd beep events', async () => {
    const c = await client();
    c.send('event json CHANNEL_EXECUTE_COMPLETE CUSTOM avmd::beep');
    await c.nextReply();
    await api(
      c,
      `originate {origination_uuid=machine-1,ignore_early_media=true,execute_on_answer=avmd_start}${gw(NUMBERS.machine)} &park()`,
    );
    await api(c, 'uuid_broadcast machine-1 amd::');
    const amd = await c.nextMatching(
      (m) => eventName(m) === 'CHANNEL_EXECUTE_COMPLETE' && json(m)['Application'] === 'amd',
    );
    expect(json(amd)).toMatchObject({ variable_amd_result: 'MACHINE', variable_amd_cause: 'LONGGREETING' });
    const beep = json(await waitFor(() => c.messages.find((m) => eventName(m) === 'CUSTOM')));
    expect(beep).toMatchObject({
      'Event-Subclass': 'avmd::beep',
      'Unique-ID': 'machine-1',
      'Beep-Status': 'DETECTED',
      // As mod_avmd's avmd_fire_event: the channel's data and variables, so filters on them match.
      'Channel-State': 'CS_EXECUTE',
      variable_avmd_detect: 'TRUE',
    });
    // Detection-time is in µs from the start of detection (a 3 s greeting at time scale 0.01: about 30 ms).
    expect(Number(beep['Detection-time'])).toBeGreaterThan(0);
    expect(Number(beep['Detection-time'])).toBeLessThan(5_000_000);
    await api(c, 'uuid_kill machine-1');
  });

  it('errs like a real detector when the scenario says so, and tells the truth only over the control API', async () => {
    const c = await client();
    c.send('event json CUSTOM avmd::beep avmd::stop');
    await c.nextReply();
    await api(
      c,
      `originate {origination_uuid=fp-person,ignore_early_media=true,execute_on_answer=avmd_start}${gw(NUMBERS.personTakenForMachine)} &park()`,
    );
    await api(
      c,
      `originate {origination_uuid=fn-machine,ignore_early_media=true,execute_on_answer=avmd_start}${gw(NUMBERS.machineBeepMissed)} &park()`,
    );
    // The person: mod_avmd reports a beep, exactly as it does for a machine.
    const beep = json(
      await waitFor(() =>
        c.messages.find((m) => eventName(m) === 'CUSTOM' && json(m)['Unique-ID'] === 'fp-person'),
      ),
    );
    expect(beep).toMatchObject({
      'Event-Subclass': 'avmd::beep',
      'Call-command': 'avmd',
      'Beep-Status': 'DETECTED',
      variable_avmd_detect: 'TRUE',
    });
    // Nothing on the wire gives the truth away.
    expect(Object.keys(beep).filter((k) => /truth|false|person/i.test(k))).toEqual([]);
    // The machine: its greeting ends (3 s at 0.01: 30 ms) and avmd stays silent.
    await expectEventually(async () => {
      const { body } = await control('GET', '/amd');
      const calls = body['calls'] as Array<Record<string, unknown>>;
      expect(calls.find((x) => x['uuid'] === 'fn-machine')).toMatchObject({ falseNegative: true });
    });
    expect(await api(c, 'uuid_getvar fn-machine machine_beep')).toBe('true');
    await api(c, 'avmd fn-machine stop');
    const stop = json(
      await waitFor(() =>
        c.messages.find((m) => eventName(m) === 'CUSTOM' && json(m)['Unique-ID'] === 'fn-machine'),
      ),
    );
    expect(stop).toMatchObject({ 'Event-Subclass': 'avmd::stop', 'Beep-Status': 'NOTDETECTED' });
    const { body } = await control('GET', '/amd');
    const calls = body['calls'] as Array<Record<string, unknown>>;
    expect(calls.find((x) => x['uuid'] === 'fp-person')).toMatchObject({
      number: NUMBERS.personTakenForMachine,
      node: 'fs-sim-1',
      truth: 'person',
      detectedMachine: true,
      falsePositive: true,
      bridged: false,
    });
    expect(calls.find((x) => x['uuid'] === 'fn-machine')).toMatchObject({
      truth: 'machine',
      detectedMachine: false,
      falseNegative: true,
    });
    expect(body['summary']).toMatchObject({
      falsePositives: expect.any(Number),
      falseNegatives: expect.any(Number),
    });
    expect(((await control('GET', '/stats')).body['amd'] as Record<string, number>)['falsePositives']).toBe(
      (body['summary'] as Record<string, number>)['falsePositives'],
    );
    await api(c, 'uuid_kill fp-person');
    await api(c, 'uuid_kill fn-machine');
  });

  it("errs the same way with mod_amd's amd application (MACHINE for the person, HUMAN for the machine)", async () => {
    const c = await client();
    c.send('event json CHANNEL_EXECUTE_COMPLETE');
    await c.nextReply();
    for (const [uuid, number] of [
      ['amd-fp', NUMBERS.personTakenForMachine],
      ['amd-fn', NUMBERS.machineBeepMissed],
    ] as const) {
      await api(c, `originate {origination_uuid=${uuid},ignore_early_media=true}${gw(number)} &park()`);
      await api(c, `uuid_broadcast ${uuid} amd::`);
    }
    const result = async (uuid: string) =>
      json(
        await waitFor(() =>
          c.messages.find(
            (m) =>
              eventName(m) === 'CHANNEL_EXECUTE_COMPLETE' &&
              json(m)['Unique-ID'] === uuid &&
              json(m)['Application'] === 'amd',
          ),
        ),
      );
    expect(await result('amd-fp')).toMatchObject({
      variable_amd_result: 'MACHINE',
      variable_amd_cause: 'LONGGREETING',
    });
    expect(await result('amd-fn')).toMatchObject({
      variable_amd_result: 'HUMAN',
      variable_amd_cause: 'HUMAN',
    });
    const calls = (await control('GET', '/amd')).body['calls'] as Array<Record<string, unknown>>;
    expect(calls.find((x) => x['uuid'] === 'amd-fp')).toMatchObject({ truth: 'person', falsePositive: true });
    expect(calls.find((x) => x['uuid'] === 'amd-fn')).toMatchObject({
      truth: 'machine',
      falseNegative: true,
    });
    await api(c, 'uuid_kill amd-fp');
    await api(c, 'uuid_kill amd-fn');
  });

  it('holds an agent in a conference, and lets a supervisor monitor, whisper-mute and barge', async () => {
    const c = await client();
    c.send('event json CUSTOM conference::maintenance');
    await c.nextReply();
    await api(c, 'originate {origination_uuid=nailed-1001}user/1001 &conference(agent-1001)');
    await api(
      c,
      `originate {origination_uuid=cust-conf,ignore_early_media=true}${gw(NUMBERS.answersAndStays)} &park()`,
    );
    expect(await api(c, "uuid_transfer cust-conf 'conference:agent-1001' inline")).toBe('+OK\n');
    await api(c, 'originate {origination_uuid=supervisor}user/1001 &conference(agent-1001+flags{mute})');
    await expectEventually(async () =>
      expect((await api(c, 'conference agent-1001 list')).trim().split('\n')).toHaveLength(3),
    );
    const list = await api(c, 'conference agent-1001 list');
    expect(list).toMatch(/;supervisor;.*;hear;/);
    const supervisorId = /^(\d+);[^;]*;supervisor;/m.exec(list)![1];
    expect(await api(c, `conference agent-1001 unmute ${supervisorId}`)).toBe(`+OK unmute ${supervisorId}\n`);
    expect(await api(c, `conference agent-1001 kick ${supervisorId}`)).toBe(`+OK kicked ${supervisorId}\n`);
    expect(await api(c, 'conference nope list')).toBe('-ERR Conference nope not found\n');
    const actions = c.messages.filter((m) => eventName(m) === 'CUSTOM').map((m) => json(m)['Action']);
    expect(actions.slice(0, 4)).toEqual(['conference-create', 'add-member', 'add-member', 'add-member']);
    expect(actions).toContain('unmute-member');
    expect(actions).toContain('del-member');
    await api(c, 'hupall NORMAL_CLEARING');
  });

  it('restarts a node: goodbye to listeners, calls gone, new Core-UUID', async () => {
    const c = await client(1);
    await api(
      c,
      `originate {origination_uuid=doomed,ignore_early_media=true}${gw(NUMBERS.answersAndStays)} &park()`,
    );
    const before = env.sim.nodes[1]!.coreUuid;
    const res = await control('POST', '/nodes/1/restart', { downtimeMs: 50 });
    expect(res.body['coreUuid']).not.toBe(before);
    await c.waitClosed();
    const again = await client(1);
    expect(await api(again, 'uuid_exists doomed')).toBe('false');
  });

  it('cuts and restores the ESL port while calls go on', async () => {
    const c = await client(0);
    await api(
      c,
      `originate {origination_uuid=survivor,ignore_early_media=true}${gw(NUMBERS.answersAndStays)} &park()`,
    );
    await control('POST', '/nodes/0/esl/cut');
    await c.waitClosed();
    expect(Buffer.concat(c.allBytes).toString()).not.toContain('disconnect-notice');
    await expect(RawEslClient.connect(env.sim.nodes[0]!.port)).rejects.toThrow(/ECONNREFUSED/);
    await control('POST', '/nodes/0/esl/restore');
    const again = await client(0);
    expect(await api(again, 'uuid_exists survivor')).toBe('true');
    await api(again, 'uuid_kill survivor');
    const stats = (await control('GET', '/stats')).body;
    expect(stats).toMatchObject({ nodes: expect.any(Array), rssMb: expect.any(Number) });
  });
});
