import { EslClient, type EslEvent } from '@autotelesale/esl';
import { startStackForTest, type StackUnderTest } from '@autotelesale/service-testing';
import { waitFor, waitForQuiescence } from '@autotelesale/testing';
import {
  agentStates,
  collectCallEvents,
  createAgents,
  createRunningCampaign,
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
 * scale 0.1: a machine's beep comes at the end of its greeting (8 s greeting: 0.8 s after
 * the answer, before the take-over, heard while nobody owns the call; 35 s: 3.5 s, after
 * the take-over), a person never beeps, so their verdict is the end of the window (the
 * grace minus 0.7 s), which comes only after the take-over.
 */
const EARLY_BEEP = '83';
const LATE_BEEP = '84';
const PERSON = '85';
const MESSAGE = '/sounds/amd-takeover-message.wav';
const EXTENSIONS = ['2111', '2112', '2113', '2114', '2115', '2116', '2117', '2118', '2119', '2120'];

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
      overrides: [
        { suffix: EARLY_BEEP, behaviour: machine(8_000) },
        { suffix: LATE_BEEP, behaviour: machine(35_000) },
        { suffix: PERSON, behaviour: { kind: 'answer', progressMs: 50, ringMs: 3_000, talkMs: 80_000 } },
        ...base.overrides,
      ],
    },
  });
  // What the switch really did: the truth the dialers' events are checked against.
  const sim = fsSimOf(fs);
  esl = new EslClient({ host: '127.0.0.1', port: sim.eslPorts[0]!, password: sim.password });
  esl.on('event', (e) => void switchEvents.push(e));
  await esl.connect();
  await esl.subscribe(['CHANNEL_ANSWER', 'CHANNEL_BRIDGE', 'PLAYBACK_START', 'CUSTOM avmd::beep']);
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
const onSwitch = (name: string, callIds: Set<unknown>) =>
  switchEvents.filter((e) => e.name === name && callIds.has((e as { uniqueId?: string }).uniqueId));

// fs-sim only: its machines speak a greeting and beep (sipp sends no audio for mod_avmd to hear).
describeFsSimOnly('AMD campaign taken over mid-detection (SIGKILL of its replica)', () => {
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
    '$title: no machine ever reaches an agent, the people do, one outcome per contact, no agent stuck',
    async ({ graceSeconds, action, customers }) => {
      const seats = EXTENSIONS.splice(0, customers.length);
      const ids = [`amd-takeover-a-${graceSeconds}`, `amd-takeover-b-${graceSeconds}`];
      const pair = new Map<string, DialerProcess>();
      for (const id of ids) {
        const replica = await startReadyReplica(id, { namespace: stack.topology.namespace, switch: fs });
        replicas.push(replica);
        pair.set(id, replica);
      }
      // The next case starts with a pair of its own.
      afterCase = () => Promise.all([...pair.values()].map((r) => r.kill()));
      const agents = await createAgents(stack.bus, seats);
      const phones = customers.map(phoneEnding);
      const kindOf = new Map(phones.map((p, i) => [p, customers[i]!]));
      // Progressive: every contact is dialed at once, each with its own agent reserved.
      const campaign = await createRunningCampaign(
        stack.bus,
        {
          mode: 'progressive',
          agents: agents.map((agentId) => ({ agentId })),
          pacing: { ringTimeoutSeconds: 15, abandonGraceSeconds: graceSeconds },
          retryRules: { maxTotalAttempts: 1 },
          compliance: {
            amd: { enabled: true, action, message: { audio: MESSAGE }, falsePositiveRate: 0.1 },
          },
        },
        phones,
      );
      const dialed = () => forCampaign('call.dialed', campaign.id);
      const answeredOnSwitch = () =>
        switchEvents.filter(
          (e) => e.name === 'CHANNEL_ANSWER' && e.headers['variable_ats_campaign_id'] === campaign.id,
        );

      // Kill the owner the moment every customer has answered: all in detection.
      await waitFor(() => answeredOnSwitch().length >= customers.length, { timeoutMs: 20_000 });
      const owner = String(dialed()[0]!['dialerId']);
      await pair.get(owner)!.kill();
      const killedAt = Date.now();
      expect(dialed()).toHaveLength(customers.length);
      expect(new Set(dialed().map((d) => d['dialerId']))).toEqual(new Set([owner]));
      // No verdict yet (call.answered is published with it) and nothing ended.
      expect(forCampaign('call.answered', campaign.id)).toEqual([]);
      expect(forCampaign('call.ended', campaign.id)).toEqual([]);
      const taker = ids.find((id) => id !== owner)!;

      await waitFor(() => forCampaign('call.ended', campaign.id).length >= customers.length, {
        timeoutMs: 40_000,
        description: 'every call of the campaign to end',
      });
      await waitForQuiescence(() => forCampaign('call.ended', campaign.id).length, { quietMs: 1_000 });

      const phoneOf = new Map(dialed().map((d) => [d['callId'], String(d['phone'])]));
      const callsOf = (kinds: string[]) =>
        new Set([...phoneOf].filter(([, phone]) => kinds.includes(kindOf.get(phone)!)).map(([id]) => id));
      const machines = callsOf([EARLY_BEEP, LATE_BEEP]);
      const people = callsOf([PERSON]);

      // Every contact dialed once and ended once, by the replica that took over.
      const ended = forCampaign('call.ended', campaign.id);
      expect(ended.map((e) => e['phone']).sort()).toEqual([...phones].sort());
      expect(new Set(ended.map((e) => e['callId']))).toEqual(new Set(phoneOf.keys()));
      for (const e of ended) expect(e['dialerId']).toBe(taker);

      // No machine ever bridged (the switch's word), each ended as a machine, not a live answer.
      expect(onSwitch('CHANNEL_BRIDGE', machines)).toEqual([]);
      for (const e of ended.filter((r) => machines.has(r['callId'])))
        expect(e).toMatchObject({ outcome: 'machine', amd: 'machine', liveAnswer: false, agentId: null });
      // Every machine beeped after the kill: the verdict was the taker's.
      for (const beep of onSwitch('CUSTOM', machines))
        expect(beep.timestampUs / 1000).toBeGreaterThanOrEqual(killedAt - 50);
      if (action === 'leaveMessage') {
        // The message left once on every machine, never on a person.
        const played = onSwitch('PLAYBACK_START', new Set([...machines, ...people])).filter(
          (e) => e.headers['Playback-File-Path'] === MESSAGE,
        );
        expect(played.map((e) => (e as { uniqueId: string }).uniqueId).sort()).toEqual([...machines].sort());
      }

      // The people reached their agent through the taker, each its own.
      const connected = forCampaign('call.agentConnected', campaign.id);
      expect(new Set(connected.map((c) => c['callId']))).toEqual(people);
      expect(
        new Set(onSwitch('CHANNEL_BRIDGE', people).map((e) => (e as { uniqueId: string }).uniqueId)),
      ).toEqual(people);
      for (const e of ended.filter((r) => people.has(r['callId'])))
        expect(e).toMatchObject({ outcome: 'answered', amd: 'human', abandoned: false });
      expect(forCampaign('call.abandoned', campaign.id)).toEqual([]);
      expect(overlappingAgentCalls(calls.events)).toEqual([]);

      // No agent stuck: the reservations of the machines' calls went back, the people's calls ended.
      await waitFor(async () => (await agentStates(stack.bus, agents)).every((s) => s === 'ready'), {
        timeoutMs: 15_000,
        description: 'every agent ready again',
      });
    },
    120_000,
  );
});
