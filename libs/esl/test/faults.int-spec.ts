/** What FreeSWITCH does to a connection: cut, restart, silence, and a consumer that falls behind. */
import { randomUUID } from 'node:crypto';
import { expectEventually, waitFor } from '@autotelesale/testing';
import {
  EslClient,
  type DisconnectedInfo,
  type EslConnectionOptions,
  type EslEvent,
  type ReconnectedInfo,
} from '../src/index';
import { FreezableProxy } from './tcp-proxy';
import { gw, NUMBERS, PASSWORD, startTestSim, type FsSimProcess } from './test-sim';

const FAST_RECONNECT = { initialDelayMs: 20, maxDelayMs: 200, factor: 2, jitter: 0.5 };

describe('faults', () => {
  let sim: FsSimProcess;
  const clients: EslClient[] = [];

  function open(extra: Partial<EslConnectionOptions> = {}) {
    const c = new EslClient({
      host: '127.0.0.1',
      port: sim.nodes[0]!.port,
      password: PASSWORD,
      reconnect: FAST_RECONNECT,
      events: ['CHANNEL_ANSWER', 'CHANNEL_HANGUP_COMPLETE'],
      ...extra,
    });
    clients.push(c);
    const log = {
      events: [] as EslEvent[],
      disconnected: [] as DisconnectedInfo[],
      reconnected: [] as ReconnectedInfo[],
      delays: [] as number[],
      stateAtDisconnect: [] as string[],
    };
    c.on('event', (e) => void log.events.push(e));
    c.on('disconnected', (d) => {
      log.disconnected.push(d);
      log.stateAtDisconnect.push(c.state);
    });
    c.on('reconnected', (r) => void log.reconnected.push(r));
    c.on('reconnecting', (r) => void log.delays.push(r.delayMs));
    return { c, log };
  }

  beforeAll(async () => {
    sim = await startTestSim({ heartbeatMs: 0 });
  });
  afterAll(async () => {
    for (const c of clients) await c.close();
    await sim?.stop();
  });

  it('an ESL cut mid-call fails in-flight requests fast, reconnects with back-off, re-subscribes and re-filters', async () => {
    const { c, log } = open({ filters: [['variable_ats_dialer_id', 'd1']] });
    await c.connect();
    const coreUuid = c.coreUuid;
    // A live call of ours, and one of another dialer that our filter must keep hiding.
    const live = randomUUID();
    expect(
      await c.originate({
        uuid: live,
        endpoint: gw(NUMBERS.answersAndStays),
        tracking: { ats_dialer_id: 'd1' },
      }),
    ).toMatchObject({ ok: true });
    const ringing = randomUUID();
    const inFlight = c.originate({
      uuid: ringing,
      endpoint: gw(NUMBERS.ringsForever),
      timeoutSec: 3600,
      tracking: { ats_dialer_id: 'd1' },
    });
    inFlight.catch(() => undefined);
    await waitFor(() => c.stats().inFlight > 0, { description: 'the originate in flight' });

    const cutAt = Date.now();
    await sim.control('/nodes/0/esl/cut', { durationMs: 300 });
    const error = await inFlight.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'ESL_DISCONNECTED' });
    expect((error as { details: { jobUuid: string } }).details.jobUuid).toEqual(expect.any(String));
    expect(Date.now() - cutAt).toBeLessThan(1_000);
    expect(log.disconnected[0]).toMatchObject({ reason: 'SOCKET_CLOSED', failedRequests: 1 });
    expect(log.stateAtDisconnect[0]).toBe('reconnecting');
    await expect(c.api('status')).rejects.toMatchObject({ code: 'ESL_NOT_CONNECTED' });

    await waitFor(() => log.reconnected.length === 1, { description: 'reconnected', timeoutMs: 5_000 });
    expect(log.reconnected[0]).toMatchObject({ coreUuid, previousCoreUuid: coreUuid, restarted: false });
    expect(log.reconnected[0]!.attempts).toBeGreaterThan(0);
    // Back-off grew between attempts and stayed under the cap.
    expect(log.delays.length).toBeGreaterThan(1);
    expect(Math.max(...log.delays)).toBeLessThanOrEqual(200);

    // Reconcile: both calls are still live on the node (the ringing one too: its job ran on).
    const rows = await c.showChannels();
    expect(rows.map((r) => r.uuid)).toEqual(expect.arrayContaining([live, ringing]));
    expect(await c.getVariable(live, 'ats_dialer_id')).toBe('d1');

    // Events flow again, through the re-applied subscription and filter.
    const foreign = randomUUID();
    await c.originate({
      uuid: foreign,
      endpoint: gw(NUMBERS.answersShort),
      tracking: { ats_dialer_id: 'd2' },
    });
    await sim.control(`/channels/${live}/hangup`, {});
    await waitFor(
      () =>
        log.events.some(
          (e) => e.name === 'CHANNEL_HANGUP_COMPLETE' && 'uniqueId' in e && e.uniqueId === live,
        ),
      { description: 'the live call hang-up after reconnect' },
    );
    expect(log.events.some((e) => 'uniqueId' in e && e.uniqueId === foreign)).toBe(false);
    await sim.control(`/channels/${ringing}/hangup`, {}).catch(() => undefined);
  });

  it('a node restart is reported as a new Core-UUID, and its calls are gone', async () => {
    const { c, log } = open();
    await c.connect();
    const before = c.coreUuid;
    await c.originate({ uuid: randomUUID(), endpoint: gw(NUMBERS.answersAndStays) });
    await sim.control('/nodes/0/restart', { downtimeMs: 100 });
    await waitFor(() => log.reconnected.length === 1, {
      description: 'reconnected after restart',
      timeoutMs: 5_000,
    });
    expect(log.disconnected[0]!.reason).toBe('SHUTDOWN');
    expect(log.reconnected[0]!.restarted).toBe(true);
    expect(log.reconnected[0]!.coreUuid).not.toBe(before);
    expect(log.reconnected[0]!.previousCoreUuid).toBe(before);
    expect(c.coreUuid).toBe(log.reconnected[0]!.coreUuid);
    expect(await c.showChannels()).toEqual([]);
  });

  it('a silent (half-open) connection is caught by the HEARTBEAT watchdog', async () => {
    const beating = await startTestSim({ heartbeatMs: 100 });
    const proxy = new FreezableProxy(beating.nodes[0]!.port);
    try {
      const c = new EslClient({
        host: '127.0.0.1',
        port: await proxy.listen(),
        password: PASSWORD,
        heartbeatIntervalMs: 100,
        reconnect: FAST_RECONNECT,
      });
      clients.push(c);
      const disconnected: DisconnectedInfo[] = [];
      const reconnected: ReconnectedInfo[] = [];
      c.on('disconnected', (d) => void disconnected.push(d));
      c.on('reconnected', (r) => void reconnected.push(r));
      await c.connect();
      await waitFor(() => c.stats().lastHeartbeatAt !== undefined, { description: 'a heartbeat' });
      proxy.freeze();
      const pending = c.api('status', { timeoutMs: 30_000 });
      const frozenAt = Date.now();
      await expect(pending).rejects.toMatchObject({ code: 'ESL_DISCONNECTED' });
      expect(Date.now() - frozenAt).toBeLessThan(1_500);
      expect(disconnected[0]!.reason).toBe('HEARTBEAT_LOST');
      proxy.thaw();
      await waitFor(() => reconnected.length === 1, { description: 'reconnected after the watchdog' });
      expect(reconnected[0]!.restarted).toBe(false);
      expect(await c.api('status')).toMatch(/^UP /);
    } finally {
      await proxy.close();
      await beating.stop();
    }
  });

  it('a slow consumer pauses the socket: bounded memory, nothing lost, flow resumes', async () => {
    const { c } = open({
      events: [
        'CHANNEL_CREATE',
        'CHANNEL_PROGRESS',
        'CHANNEL_ANSWER',
        'CHANNEL_PARK',
        'CHANNEL_HANGUP',
        'CHANNEL_HANGUP_COMPLETE',
        'CHANNEL_DESTROY',
      ],
      maxQueuedEvents: 50,
    });
    await c.connect();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const destroyed = new Set<string>();
    c.on('event', async (e) => {
      await gate;
      if (e.name === 'CHANNEL_DESTROY' && 'uniqueId' in e) destroyed.add(e.uniqueId!);
    });
    const uuids = Array.from({ length: 40 }, () => randomUUID());
    const results = uuids.map((uuid) => c.originate({ uuid, endpoint: gw(NUMBERS.answersShort) }));
    for (const r of results) r.catch(() => undefined);
    await waitFor(() => c.stats().paused, { description: 'the socket paused' });
    // Events parsed from the chunk in hand when the limit was hit may overshoot a little.
    expect(c.stats().maxQueuedEventsSeen).toBeLessThan(50 + 100);
    release();
    await expectEventually(() => expect(destroyed.size).toBe(uuids.length), { timeoutMs: 20_000 });
    expect((await Promise.all(results)).every((r) => r.ok)).toBe(true);
    expect(c.stats()).toMatchObject({ paused: false, queuedEvents: 0 });
    expect(c.stats().maxQueuedEventsSeen).toBeLessThan(150);
  });
});
