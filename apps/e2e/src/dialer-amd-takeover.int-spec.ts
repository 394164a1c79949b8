import { campaignRpcs } from '@autotelesale/contracts';
import { EslClient, type EslEvent } from '@autotelesale/esl';
import { startStackForTest, type StackUnderTest } from '@autotelesale/service-testing';
import { waitFor, waitForQuiescence } from '@autotelesale/testing';
import {
  collectCallEvents,
  createAgents,
  createRunningCampaign,
  expectAgentsReady,
  ofType,
  overlappingAgentCalls,
  phoneEnding,
  scenario,
} from './dialer-fixtures';
import { buildDialer, startReadyReplica, type DialerProcess } from './dialer-process';
import { SERVICES } from './stack';
import {
  describeFsSimOnly,
  fsSimOf,
  FS_SIM_TIME_SCALE,
  startSwitchUnderTest,
  type SwitchUnderTest,
} from './switch-under-test';

/**
 * Issue 8: the replica that owns an AMD campaign is killed (SIGKILL) while its calls are
 * in answering-machine detection, and another takes the campaign over. fs-sim at time
 * scale 0.1: a machine's beep comes at the end of its greeting (10 s greeting: 1 s after
 * the answer, before the take-over, heard while nobody owns the call; 35 s: 3.5 s, after
 * the take-over), a person never beeps, so their verdict is the end of the window (the
 * grace minus 0.7 s), which comes only after the take-over. A last case kills the owner
 * while the machine message plays (`ats_amd=message`).
 */
const EARLY_BEEP = '83';
const LATE_BEEP = '84';
const PERSON = '85';
/** Ring 4 s (40 s simulated): still ringing when their replica is killed. */
const RINGING_MACHINE = '86';
const RINGING_PERSON = '87';
const MESSAGE = '/sounds/amd-takeover-message.wav';
/** Plays 6 s (60 s simulated): long enough to kill the owner while it plays. */
const LONG_MESSAGE = '/sounds/amd-takeover-long-message.wav';
const EXTENSIONS = Array.from({ length: 16 }, (_, i) => String(2111 + i));

let fs: SwitchUnderTest;
let stack: StackUnderTest;
let calls: ReturnType<typeof collectCallEvents>;
let esl: EslClient;
const switchEvents: EslEvent[] = [];
const replicas: DialerProcess[] = [];
let afterCase: () => Promise<unknown> = async () => undefined;

beforeAll(async () => {
  buildDialer();
  const base = scenario(EXTENSIONS);
  const machine = (greetingMs: number) => ({
    kind: 'machine' as const,
    progressMs: 50,
    ringMs: 3_000,
    greetingMs,
    talkMs: 600_000,
  });
  fs = await startSwitchUnderTest({
    nodes: 1,
    timeScale: FS_SIM_TIME_SCALE,
    jitterMs: 0,
    heartbeatMs: 300,
    scenario: {
      ...base,
      playback: { ...base.playback, files: { [LONG_MESSAGE]: 60_000 } },
      overrides: [
        { suffix: EARLY_BEEP, behaviour: machine(10_000) },
        { suffix: LATE_BEEP, behaviour: machine(35_000) },
        { suffix: PERSON, behaviour: { kind: 'answer', progressMs: 50, ringMs: 3_000, talkMs: 80_000 } },
        { suffix: RINGING_MACHINE, behaviour: { ...machine(10_000), ringMs: 40_000 } },
        {
          suffix: RINGING_PERSON,
          behaviour: { kind: 'answer', progressMs: 50, ringMs: 40_000, talkMs: 80_000 },
        },
        ...base.overrides,
      ],
    },
  });
  // What the switch really did: the truth the dialers' events are checked against.
  const sim = fsSimOf(fs);
  esl = new EslClient({ host: '127.0.0.1', port: sim.eslPorts[0]!, password: sim.password });
  esl.on('event', (e) => void switchEvents.push(e));
  await esl.connect();
  await esl.subscribe([
    'CHANNEL_PROGRESS',
    'CHANNEL_ANSWER',
    'CHANNEL_BRIDGE',
    'PLAYBACK_START',
    'CHANNEL_HANGUP_COMPLETE',
    'CUSTOM avmd::beep',
  ]);
  stack = await startStackForTest([SERVICES.campaign, SERVICES.agent], {});
  calls = collectCallEvents(stack.bus);
}, 90_000);

afterEach(() => afterCase());

afterAll(async () => {
  calls?.stop();
  for (const r of replicas) await r.kill();
  await stack?.stop();
  await esl?.close();
  await fs?.stop();
});

const forCampaign = (type: string, campaignId: string) =>
  ofType(calls.events, type).filter((e) => e['campaignId'] === campaignId);
const uniqueIdOf = (e: EslEvent) => (e as { uniqueId?: string }).uniqueId;
const onSwitch = (name: string, callIds: Set<unknown>) =>
  switchEvents.filter((e) => e.name === name && callIds.has(uniqueIdOf(e)));

/**
 * Two replicas started and ready, then a progressive AMD campaign with one agent per
 * customer (every contact dialed at once, each with its own agent reserved). Returns what
 * the checks need; the pair is killed after the case.
 */
async function startCase(
  name: string,
  customers: string[],
  settings: {
    graceSeconds: number;
    action: 'hangup' | 'leaveMessage';
    message: string;
    ringTimeoutSeconds?: number;
  },
  options: { takerLater?: boolean } = {},
) {
  const ids = [`${name}-a`, `${name}-b`];
  const pair = new Map<string, DialerProcess>();
  afterCase = () => Promise.all([...pair.values()].map((r) => r.kill()));
  const start = async (id: string) => {
    const replica = await startReadyReplica(id, { namespace: stack.topology.namespace, switch: fs });
    replicas.push(replica);
    pair.set(id, replica);
  };
  for (const id of options.takerLater ? ids.slice(0, 1) : ids) await start(id);
  const agents = await createAgents(stack.bus, EXTENSIONS.splice(0, customers.length));
  const phones = customers.map(phoneEnding);
  const kindOf = new Map(phones.map((p, i) => [p, customers[i]!]));
  const campaign = await createRunningCampaign(
    stack.bus,
    {
      mode: 'progressive',
      agents: agents.map((agentId) => ({ agentId })),
      pacing: {
        ringTimeoutSeconds: settings.ringTimeoutSeconds ?? 15,
        abandonGraceSeconds: settings.graceSeconds,
      },
      retryRules: { maxTotalAttempts: 1 },
      compliance: {
        amd: {
          enabled: true,
          action: settings.action,
          message: { audio: settings.message },
          falsePositiveRate: 0.1,
        },
      },
    },
    phones,
  );
  // Done with, so that the next case's replicas do not spend their start taking it over.
  afterCase = async () => {
    await stack.bus.request(campaignRpcs.transitionCampaign, { campaignId: campaign.id, action: 'complete' });
    await Promise.all([...pair.values()].map((r) => r.kill()));
  };
  const dialed = () => forCampaign('call.dialed', campaign.id);
  const callsOf = (kinds: string[]) =>
    new Set(
      dialed()
        .filter((d) => kinds.includes(kindOf.get(String(d['phone']))!))
        .map((d) => d['callId']),
    );
  return {
    agents,
    phones,
    campaign,
    dialed,
    machines: () => callsOf([EARLY_BEEP, LATE_BEEP, RINGING_MACHINE]),
    /** With `takerLater`: the second replica, started only now. */
    startTaker: () => start(ids[1]!),
    people: () => callsOf([PERSON, RINGING_PERSON]),
    /** SIGKILL of the replica that dials the campaign; resolves with the one left to take it over. */
    async killOwner(): Promise<{ owner: string; taker: string; killedAt: number }> {
      const owner = String(dialed()[0]?.['dialerId'] ?? ids[0]);
      await pair.get(owner)!.kill();
      return { owner, taker: ids.find((id) => id !== owner)!, killedAt: Date.now() };
    },
  };
}

/** Every contact dialed once and ended once, by the replica that took over; no agent stuck. */
async function expectCleanEnd(
  c: Awaited<ReturnType<typeof startCase>>,
  taker: string,
  /** The calls the taker must have ended (default: all). */
  takenOver: (callId: unknown) => boolean = () => true,
) {
  await waitFor(() => forCampaign('call.ended', c.campaign.id).length >= c.phones.length, {
    timeoutMs: 40_000,
    description: 'every call of the campaign to end',
  }).catch((error: unknown) => {
    const ended = new Set(forCampaign('call.ended', c.campaign.id).map((e) => e['callId']));
    const open = c.dialed().filter((d) => !ended.has(d['callId']));
    const story = open.map((d) => ({
      callId: d['callId'],
      machine: c.machines().has(d['callId']),
      switch: switchEvents.filter((e) => uniqueIdOf(e) === d['callId']).map((e) => e.name),
    }));
    throw new Error(`${String(error)}: still open ${JSON.stringify(story)}`);
  });
  await waitForQuiescence(() => forCampaign('call.ended', c.campaign.id).length, { quietMs: 1_000 });
  const ended = forCampaign('call.ended', c.campaign.id);
  expect(ended.map((e) => e['phone']).sort()).toEqual([...c.phones].sort());
  expect(new Set(ended.map((e) => e['callId']))).toEqual(new Set(c.dialed().map((d) => d['callId'])));
  for (const e of ended.filter((r) => takenOver(r['callId']))) expect(e['dialerId']).toBe(taker);
  // No machine ever bridged (the switch's word), each ended as a machine, not a live answer.
  expect(onSwitch('CHANNEL_BRIDGE', c.machines())).toEqual([]);
  for (const e of ended.filter((r) => c.machines().has(r['callId'])))
    expect(e).toMatchObject({ outcome: 'machine', amd: 'machine', liveAnswer: false, agentId: null });
  // The people reached an agent, each their own (the switch bridged exactly them).
  const people = c.people();
  expect(new Set(forCampaign('call.agentConnected', c.campaign.id).map((e) => e['callId']))).toEqual(people);
  expect(new Set(onSwitch('CHANNEL_BRIDGE', people).map(uniqueIdOf))).toEqual(people);
  for (const e of ended.filter((r) => people.has(r['callId'])))
    expect(e).toMatchObject({ outcome: 'answered', amd: 'human', abandoned: false });
  expect(forCampaign('call.abandoned', c.campaign.id)).toEqual([]);
  expect(overlappingAgentCalls(calls.events)).toEqual([]);
  await expectAgentsReady(stack.bus, c.agents, 15_000);
}

/** Where the message was played, one uniqueId per playback. */
const messagesPlayed = (file: string, callIds: Set<unknown>) =>
  onSwitch('PLAYBACK_START', callIds)
    .filter((e) => e.headers['Playback-File-Path'] === file)
    .map(uniqueIdOf)
    .sort();

// fs-sim only: its machines speak a greeting and beep (sipp sends no audio for mod_avmd to hear).
describeFsSimOnly('AMD campaign taken over (SIGKILL of its replica)', () => {
  it.each([
    {
      title: 'grace 5 s, leave a message: beeps before and after the take-over, people decided after it',
      graceSeconds: 5,
      action: 'leaveMessage' as const,
      customers: [EARLY_BEEP, EARLY_BEEP, LATE_BEEP, LATE_BEEP, PERSON, PERSON],
    },
    {
      title:
        'grace 2 s, hang up: the window over before the take-over, beeps heard while nobody owned the calls',
      graceSeconds: 2,
      action: 'hangup' as const,
      customers: [EARLY_BEEP, EARLY_BEEP, PERSON, PERSON],
    },
  ])(
    'mid-detection, $title: no machine ever reaches an agent, the people do, one outcome per contact, no agent stuck',
    async ({ graceSeconds, action, customers }) => {
      const c = await startCase(`amd-detecting-${graceSeconds}`, customers, {
        graceSeconds,
        action,
        message: MESSAGE,
      });
      const answeredOnSwitch = () =>
        switchEvents.filter(
          (e) => e.name === 'CHANNEL_ANSWER' && e.headers['variable_ats_campaign_id'] === c.campaign.id,
        );
      // Killed the moment every customer has answered: all in detection (the dials of one
      // tick are a few RPCs apart, so on a loaded machine the first may have its verdict).
      await waitFor(() => answeredOnSwitch().length >= customers.length, { timeoutMs: 20_000 });
      const { owner, taker, killedAt } = await c.killOwner();
      expect(c.dialed()).toHaveLength(customers.length);
      expect(new Set(c.dialed().map((d) => d['dialerId']))).toEqual(new Set([owner]));
      // In detection: no verdict yet (call.answered is published with it).
      const decided = new Set(forCampaign('call.answered', c.campaign.id).map((a) => a['callId']));
      const inDetection = (callId: unknown) => !decided.has(callId);
      expect([...c.machines()].filter(inDetection).length).toBeGreaterThanOrEqual(1);
      expect([...c.people()].filter(inDetection).length).toBeGreaterThanOrEqual(1);

      await expectCleanEnd(c, taker, inDetection);
      // Every machine in detection at the kill beeped after it: the verdict was the taker's.
      for (const beep of onSwitch('CUSTOM', new Set([...c.machines()].filter(inDetection))))
        expect(beep.timestampUs / 1000).toBeGreaterThanOrEqual(killedAt - 50);
      // The message left once on every machine, never on a person.
      if (action === 'leaveMessage')
        expect(messagesPlayed(MESSAGE, new Set([...c.machines(), ...c.people()]))).toEqual(
          [...c.machines()].sort(),
        );
    },
    120_000,
  );

  it('while the machine message plays: not left twice, ended as machine by the taker; a person already with an agent stays there', async () => {
    const c = await startCase('amd-message', [EARLY_BEEP, EARLY_BEEP, PERSON], {
      graceSeconds: 2,
      action: 'leaveMessage',
      message: LONG_MESSAGE,
    });
    // Killed once both machines are being left the (6 s) message and the person is with an agent.
    await waitFor(
      () =>
        messagesPlayed(LONG_MESSAGE, c.machines()).length === 2 &&
        forCampaign('call.agentConnected', c.campaign.id).length === 1,
      { timeoutMs: 20_000 },
    );
    const { taker, killedAt } = await c.killOwner();
    expect(forCampaign('call.ended', c.campaign.id)).toEqual([]);
    await expectCleanEnd(c, taker);
    expect(messagesPlayed(LONG_MESSAGE, new Set([...c.machines(), ...c.people()]))).toEqual(
      [...c.machines()].sort(),
    );
    // Each machine hung up by the message's own end, after the take-over.
    for (const e of forCampaign('call.ended', c.campaign.id).filter((r) => c.machines().has(r['callId'])))
      expect(Date.parse(e['endedAt'] as string)).toBeGreaterThan(killedAt);
  }, 120_000);

  it('a machine whose message ends while nobody owns the campaign is closed as a machine, not an abandon', async () => {
    const c = await startCase(
      'amd-lost',
      [EARLY_BEEP],
      { graceSeconds: 2, action: 'leaveMessage', message: LONG_MESSAGE },
      { takerLater: true },
    );
    await waitFor(() => messagesPlayed(LONG_MESSAGE, c.machines()).length === 1, { timeoutMs: 20_000 });
    const { taker } = await c.killOwner();
    // The message ends and the machine hangs up with nobody to hear it; only then a replica comes.
    await waitFor(() => onSwitch('CHANNEL_HANGUP_COMPLETE', c.machines()).length === 1, {
      timeoutMs: 20_000,
    });
    expect(forCampaign('call.ended', c.campaign.id)).toEqual([]);
    await c.startTaker();
    await expectCleanEnd(c, taker);
  }, 120_000);

  it('while ringing: detection runs on the answer for the taker, with the agents the calls were dialed for', async () => {
    const c = await startCase('amd-ringing', [RINGING_MACHINE, RINGING_PERSON], {
      graceSeconds: 2,
      action: 'hangup',
      message: MESSAGE,
      // fs-sim times the ring at its scale too: 60 s is 6 s, past their 4 s ring.
      ringTimeoutSeconds: 60,
    });
    // Killed once both ring on the switch: `call.dialed` goes out before the originate, and a
    // replica killed in between leaves a call that never rang (closed as lost by the taker).
    await waitFor(
      () =>
        c.dialed().length === 2 &&
        onSwitch('CHANNEL_PROGRESS', new Set(c.dialed().map((d) => d['callId']))).length === 2,
      { timeoutMs: 20_000 },
    );
    const { taker, killedAt } = await c.killOwner();
    const answers = () => onSwitch('CHANNEL_ANSWER', new Set(c.dialed().map((d) => d['callId'])));
    expect(answers()).toEqual([]);
    // Both agents stay reserved for their calls: the person can only reach theirs if it is carried.
    await expectCleanEnd(c, taker);
    for (const a of answers()) expect(a.timestampUs / 1000).toBeGreaterThan(killedAt);
  }, 120_000);
});
