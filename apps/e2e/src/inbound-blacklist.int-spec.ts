import { randomUUID } from 'node:crypto';
import { EslClient, type EslEvent } from '@autotelesale/esl';
import { complianceRpcs, INBOUND_GATE_VARIABLE } from '@autotelesale/contracts';
import { startStackForTest, type StackUnderTest } from '@autotelesale/service-testing';
import { expectEventually, waitFor, type FsSimProcess } from '@autotelesale/testing';
import { collectCallEvents, ofType } from './dialer-fixtures';
import { readOverlay, shippedContexts } from './freeswitch-config';
import type { Caller } from './gateway-app';
import { ADMIN, gatewayApi, login, personOf, type Api } from './gateway-fixtures';
import { SERVICES } from './stack';
import { describeFsSimOnly, startSwitchUnderTest, type SwitchUnderTest } from './switch-under-test';

/**
 * Issue 8, seed 003: callers on the harassment blacklist are refused at the door. fs-sim
 * runs the shipped carrier dialplan (deploy/freeswitch `dialplan/public.xml`: mark and
 * park), two dialer replicas watch the node, campaign-service answers `checkNumber`,
 * reporting-service keeps the refusals and the gateway shows them to a supervisor. Calls
 * come in through fs-sim's control API, so this runs on fs-sim only.
 */
const CONTINUE_EXTENSION = 'inbound_queue';
const DID = '19001234';

let sw: SwitchUnderTest;
let fs: FsSimProcess;
let stack: StackUnderTest;
let esl: EslClient;
let calls: ReturnType<typeof collectCallEvents>;
let api: Api;
let supervisor: Caller;
const events: EslEvent[] = [];

describeFsSimOnly('the inbound gate', () => {
  beforeAll(async () => {
    sw = await startSwitchUnderTest({
      nodes: 1,
      timeScale: 0.1,
      scenario: {
        gateways: { gw1: {} },
        // The carrier's context exactly as shipped; the operator's continue extension answers.
        contexts: shippedContexts(readOverlay()),
        dialplan: { [CONTINUE_EXTENSION]: 'answer,park' },
      },
    });
    fs = sw.fsSim!;
    esl = new EslClient({ host: '127.0.0.1', port: fs.eslPorts[0]!, password: fs.password });
    esl.on('event', (e) => void events.push(e));
    await esl.connect();
    await esl.subscribe(['CHANNEL_PARK', 'CHANNEL_ANSWER', 'CHANNEL_HANGUP_COMPLETE', 'API']);
    // Two dialer replicas (dialer-test-1, dialer-test-2) on the same node.
    stack = await startStackForTest(
      [SERVICES.campaign, SERVICES.reporting, SERVICES.dialer, SERVICES.dialer, SERVICES.gateway],
      {
        ATS_FS_NODES: sw.nodesEnv,
        ATS_INBOUND_CONTINUE: `${CONTINUE_EXTENSION} XML default`,
        ATS_INBOUND_CHECK_TIMEOUT_MS: '1000',
        ATS_ADMIN_EMAIL: ADMIN.email,
        ATS_ADMIN_PASSWORD: ADMIN.password,
        ATS_TOKEN_SECRET: 'e2e-secret-long-enough-for-hmac-signing',
        ATS_GRPC_PORT: '0',
      },
    );
    api = gatewayApi(stack);
    supervisor = await personOf(api, await login(api, ADMIN.email, ADMIN.password), 'supervisor');
    calls = collectCallEvents(stack.bus);
    for (const dialer of dialers())
      await waitFor(async () => (await fetch(`http://127.0.0.1:${dialer.httpPort}/health/ready`)).ok, {
        description: `${dialer.instanceId} connected to the node`,
        timeoutMs: 20_000,
      });
  }, 90_000);

  afterAll(async () => {
    delete process.env['ATS_INBOUND_CONTINUE'];
    delete process.env['ATS_INBOUND_CHECK_TIMEOUT_MS'];
    calls?.stop();
    await esl?.close();
    await stack?.stop();
    await sw?.stop();
  });

  const dialers = () => stack.instances.filter((i) => i.name === 'dialer');

  async function blacklist(phone: string, reason = 'threatens agents'): Promise<void> {
    const reply = await stack.bus.request(complianceRpcs.addDncEntries, {
      list: { kind: 'blacklist' },
      phones: [phone],
      reason,
    });
    expect(reply.rejected).toEqual([]);
  }

  /** A carrier call from `from` (national format, as carriers deliver it) to our DID. */
  async function callIn(from: string): Promise<string> {
    const uuid = randomUUID();
    const res = await fetch(`${fs.controlUrl}/nodes/0/calls`, {
      method: 'POST',
      body: JSON.stringify({ from, to: DID, uuid }),
    });
    expect(res.status).toBe(200);
    return uuid;
  }

  const of = (uuid: string, name: string) =>
    events.filter((e) => e.name === name && 'uniqueId' in e && e.uniqueId === uuid);
  /** The decisive commands any dialer sent for this call (API events carry every api command). */
  const commandsFor = (uuid: string) =>
    events
      .filter((e) => e.name === 'API')
      .map((e) => `${String(e.headers['API-Command'])} ${String(e.headers['API-Command-Argument'] ?? '')}`)
      .filter((c) => /^uuid_(kill|transfer) /.test(c) && c.includes(uuid));

  async function expectRejected(uuid: string): Promise<void> {
    await waitFor(() => of(uuid, 'CHANNEL_HANGUP_COMPLETE').length > 0, { description: `${uuid} hung up` });
    const end = of(uuid, 'CHANNEL_HANGUP_COMPLETE')[0]!;
    expect([
      end.kind === 'hangup' && end.hangupCause,
      end.kind === 'hangup' && end.variable('sip_hangup_disposition'),
    ]).toEqual(['CALL_REJECTED', 'send_refuse']);
    // Never answered, never sent on to the extension.
    expect(of(uuid, 'CHANNEL_ANSWER')).toEqual([]);
    expect(commandsFor(uuid)).toEqual([`uuid_kill ${uuid} CALL_REJECTED`]);
  }

  async function expectTransferred(uuid: string): Promise<void> {
    await waitFor(() => of(uuid, 'CHANNEL_ANSWER').length > 0, {
      description: `${uuid} answered at the extension`,
    });
    const onward = of(uuid, 'CHANNEL_PARK').at(-1)!;
    expect(onward.headers['Caller-Destination-Number']).toBe(CONTINUE_EXTENSION);
    expect(commandsFor(uuid)).toEqual([`uuid_transfer ${uuid} ${CONTINUE_EXTENSION} XML default`]);
    expect(of(uuid, 'CHANNEL_HANGUP_COMPLETE')).toEqual([]);
  }

  /** The refused calls of `callerNumber` as a supervisor sees them through the gateway, oldest first. */
  async function reportedRejections(callerNumber: string): Promise<Array<Record<string, unknown>>> {
    const res = await api(
      'GET',
      `/api/v1/reports/inbound-rejections?callerNumber=${encodeURIComponent(callerNumber)}&order=asc`,
      { as: supervisor },
    );
    expect(res.status).toBe(200);
    return res.body.items;
  }

  async function inboundMetric(result: string): Promise<number> {
    let sum = 0;
    for (const d of dialers()) {
      const text = await (await fetch(`http://127.0.0.1:${d.httpPort}/metrics`)).text();
      const m = new RegExp(
        `autotelesale_dialer_inbound_calls_total\\{[^}]*result="${result}"[^}]*\\} (\\d+)`,
      ).exec(text);
      sum += Number(m?.[1] ?? 0);
    }
    return sum;
  }

  it('refuses a blacklisted caller with CALL_REJECTED (603) and records who was turned away', async () => {
    await blacklist('+84961166133');
    const uuid = await callIn('0961166133');
    await waitFor(() => of(uuid, 'CHANNEL_PARK').length > 0);
    expect(
      (of(uuid, 'CHANNEL_PARK')[0] as EslEvent & { kind: 'channel' }).variable(INBOUND_GATE_VARIABLE),
    ).toBe('true');
    await expectRejected(uuid);
    await waitFor(() => ofType(calls.events, 'call.inboundRejected').some((e) => e['channelUuid'] === uuid));
    expect(ofType(calls.events, 'call.inboundRejected').find((e) => e['channelUuid'] === uuid)).toMatchObject(
      {
        callerNumber: '+84961166133',
        calledNumber: DID,
        list: 'blacklist',
        listReason: 'threatens agents',
        hangupCause: 'CALL_REJECTED',
      },
    );
    // Kept by reporting: a supervisor sees who was turned away, when, on which line and why.
    const published = calls.events.find(
      (e) => e.type === 'call.inboundRejected' && (e.payload as { channelUuid: string }).channelUuid === uuid,
    )!;
    await expectEventually(async () =>
      expect(await reportedRejections('+84961166133')).toEqual([
        { eventId: published.id, ...(published.payload as object) },
      ]),
    );
  }, 30_000);

  it('sends any other caller on to the configured extension', async () => {
    const uuid = await callIn('0961166134');
    await expectTransferred(uuid);
    expect(ofType(calls.events, 'call.inboundRejected').filter((e) => e['channelUuid'] === uuid)).toEqual([]);
    await fetch(`${fs.controlUrl}/channels/${uuid}/hangup`, { method: 'POST', body: '{}' });
  }, 30_000);

  it('refuses a number from the moment it is blacklisted', async () => {
    const before = await callIn('0961166135');
    await expectTransferred(before);
    await blacklist('+84961166135', 'added mid-run');
    const after = await callIn('0961166135');
    await expectRejected(after);
    await fetch(`${fs.controlUrl}/channels/${before}/hangup`, { method: 'POST', body: '{}' });
  }, 30_000);

  it('with two dialer replicas watching, decides each call exactly once', async () => {
    const rejectedBefore = await inboundMetric('rejected');
    const allowedBefore = await inboundMetric('allowed');
    await blacklist('+84961166140');
    const bad = await Promise.all([1, 2, 3, 4].map(() => callIn('0961166140')));
    const good = await Promise.all([41, 42, 43, 44].map((n) => callIn(`09611661${n}`)));
    for (const uuid of bad) await expectRejected(uuid);
    for (const uuid of good) await expectTransferred(uuid);
    await waitFor(async () => (await inboundMetric('rejected')) - rejectedBefore === 4);
    expect(await inboundMetric('allowed')).toBe(allowedBefore + 4);
    // One rejection event per refused call (a second replica would have published its own).
    await waitFor(() =>
      bad.every((u) => ofType(calls.events, 'call.inboundRejected').some((e) => e['channelUuid'] === u)),
    );
    for (const uuid of bad)
      expect(
        ofType(calls.events, 'call.inboundRejected').filter((e) => e['channelUuid'] === uuid),
      ).toHaveLength(1);
    // And one row each in the report, the allowed callers in none.
    await expectEventually(async () =>
      expect((await reportedRejections('+84961166140')).map((r) => r['channelUuid']).sort()).toEqual(
        [...bad].sort(),
      ),
    );
    expect(await reportedRejections('+84961166141')).toEqual([]);
    for (const uuid of good)
      await fetch(`${fs.controlUrl}/channels/${uuid}/hangup`, { method: 'POST', body: '{}' });
  }, 60_000);

  it('decides the calls that parked while the dialers could not hear the node, once it is back', async () => {
    await blacklist('+84961166150');
    await fetch(`${fs.controlUrl}/nodes/0/esl/cut`, { method: 'POST', body: '{}' });
    const bad = await callIn('0961166150');
    const good = await callIn('0961166151');
    const channel = async (uuid: string) => {
      const res = await fetch(`${fs.controlUrl}/channels/${uuid}`);
      return res.ok ? ((await res.json()) as Record<string, unknown>) : undefined;
    };
    expect(await channel(bad)).toMatchObject({ answerState: 'ringing' }); // parked, nobody deciding
    await fetch(`${fs.controlUrl}/nodes/0/esl/restore`, { method: 'POST', body: '{}' });
    await waitFor(async () => (await channel(bad)) === undefined, {
      description: 'the blacklisted call refused',
    });
    await waitFor(() => ofType(calls.events, 'call.inboundRejected').some((e) => e['channelUuid'] === bad));
    await waitFor(async () => (await channel(good))?.['answerState'] === 'answered', {
      description: 'the other call sent on to the extension',
    });
    await waitFor(() => esl.state === 'connected');
    await fetch(`${fs.controlUrl}/channels/${good}/hangup`, { method: 'POST', body: '{}' });
  }, 30_000);

  it('lets callers through (fail open, counted) while campaign-service does not answer', async () => {
    const before = await inboundMetric('failed_open');
    await stack.stopService('campaign');
    const uuid = await callIn('0961166140'); // blacklisted above: unknowable now
    await expectTransferred(uuid);
    expect(await inboundMetric('failed_open')).toBe(before + 1);
  }, 30_000);
});
