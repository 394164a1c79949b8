import { EslClient, type EslEvent } from '@autotelesale/esl';
import { startStackForTest, type StackUnderTest } from '@autotelesale/service-testing';
import { startFsSimProcess, waitFor, waitForQuiescence, type FsSimProcess } from '@autotelesale/testing';
import {
  agentStates,
  collectCallEvents,
  createAgents,
  createRunningCampaign,
  ofType,
  phoneEnding,
  scenario,
} from './dialer-fixtures';
import { SERVICES } from './stack';
import { describeFsSimOnly } from './switch-under-test';

/**
 * Answering-machine detection on fs-sim (mod_avmd: `avmd_start` on the answer, CUSTOM
 * `avmd::beep` at the end of a machine's greeting). fs-sim runs at time scale 0.1, so a
 * 5 s greeting beeps 0.5 s after the answer, inside the dialer's detection window (1.3 s of
 * the 2 s grace); a person never beeps, so the window ends and they go to their agent.
 */
const MACHINE = '81';
const LATE_BEEP_MACHINE = '82';
const PERSON = '01';
const EXTENSIONS = ['2101', '2102', '2103', '2104', '2105'];
const MESSAGE = '/sounds/amd-message.wav';

let fs: FsSimProcess;
let stack: StackUnderTest;
let calls: ReturnType<typeof collectCallEvents>;
let esl: EslClient;
const switchEvents: EslEvent[] = [];

beforeAll(async () => {
  const base = scenario(EXTENSIONS);
  fs = await startFsSimProcess({
    nodes: 1,
    timeScale: 0.1,
    jitterMs: 0,
    scenario: {
      ...base,
      overrides: [
        {
          suffix: MACHINE,
          behaviour: { kind: 'machine', progressMs: 50, ringMs: 300, greetingMs: 5_000, talkMs: 600_000 },
        },
        // Beeps 4 s after the answer, past the window; hangs up 1 s after (frees the one agent of its campaign).
        {
          suffix: LATE_BEEP_MACHINE,
          behaviour: { kind: 'machine', progressMs: 50, ringMs: 300, greetingMs: 40_000, talkMs: 10_000 },
        },
        ...base.overrides,
      ],
    },
  });
  // What the switch really did (the truth the dialer's events are checked against).
  esl = new EslClient({ host: '127.0.0.1', port: fs.eslPorts[0]!, password: fs.password });
  esl.on('event', (e) => void switchEvents.push(e));
  await esl.connect();
  await esl.subscribe(['CHANNEL_BRIDGE', 'PLAYBACK_START', 'CUSTOM avmd::beep']);
  stack = await startStackForTest([SERVICES.campaign, SERVICES.agent, SERVICES.dialer], {
    ATS_FS_NODES: fs.nodesEnv,
    ATS_DIALER_ID: 'dialer-amd-e2e',
  });
  calls = collectCallEvents(stack.bus);
}, 60_000);

afterAll(async () => {
  calls?.stop();
  await stack?.stop();
  await esl?.close();
  await fs?.stop();
});

const forCampaign = (type: string, campaignId: string) =>
  ofType(calls.events, type).filter((e) => e['campaignId'] === campaignId);
const callIdsOf = (campaignId: string) =>
  new Set(forCampaign('call.dialed', campaignId).map((e) => e['callId']));
const onSwitch = (name: string, callIds: Set<unknown>, subclass?: string) =>
  switchEvents.filter(
    (e) =>
      e.name === name &&
      callIds.has((e as { uniqueId?: string }).uniqueId) &&
      (subclass === undefined || (e as { subclass?: string }).subclass === subclass),
  );

async function amdCampaign(
  action: 'hangup' | 'leaveMessage' | 'passToAgent',
  extension: string,
  phones: string[],
) {
  const agents = await createAgents(stack.bus, [extension]);
  const campaign = await createRunningCampaign(
    stack.bus,
    {
      mode: 'progressive',
      agents: agents.map((agentId) => ({ agentId })),
      pacing: { ringTimeoutSeconds: 15 },
      retryRules: { machine: { delaySeconds: 1, maxAttempts: 2 } },
      compliance: {
        amd: { enabled: true, action, message: { audio: MESSAGE }, falsePositiveRate: 0.1 },
      },
    },
    phones,
  );
  return { agents, campaign };
}

// fs-sim only: its machines speak a greeting and beep (sipp sends no audio for mod_avmd to
// hear), and the spec reads the switch's own events over fs-sim's ESL port.
describeFsSimOnly('answering-machine detection (mod_avmd on fs-sim)', () => {
  it('hangs up on a machine: no agent ever bridged, outcome machine, retried once by its rule, the agent back to ready', async () => {
    const machine = phoneEnding(MACHINE);
    const { agents, campaign } = await amdCampaign('hangup', EXTENSIONS[0]!, [machine]);
    // machine: { maxAttempts: 2, delaySeconds: 1 }: dialed twice, then finished.
    await waitFor(() => forCampaign('call.ended', campaign.id).length >= 2, { timeoutMs: 40_000 });
    expect(await waitForQuiescence(() => forCampaign('call.ended', campaign.id).length)).toBe(2);
    const records = forCampaign('call.ended', campaign.id);
    for (const r of records)
      expect(r).toMatchObject({
        phone: machine,
        outcome: 'machine',
        amd: 'machine',
        liveAnswer: false,
        abandoned: false,
        agentId: null,
      });
    for (const r of records) expect(r['amdDetectionMs']).toEqual(expect.any(Number));
    expect(forCampaign('call.answered', campaign.id).map((a) => a['amd'])).toEqual(['machine', 'machine']);
    expect(forCampaign('call.agentConnected', campaign.id)).toEqual([]);
    expect(forCampaign('call.abandoned', campaign.id)).toEqual([]);
    const ids = callIdsOf(campaign.id);
    expect(onSwitch('CUSTOM', ids, 'avmd::beep')).toHaveLength(2);
    expect(onSwitch('CHANNEL_BRIDGE', ids)).toEqual([]);
    // The reservation made for each call went back.
    await waitFor(async () => (await agentStates(stack.bus, agents)).every((s) => s === 'ready'));
  }, 60_000);

  it('leaves the message after the beep, then hangs up (outcome machine)', async () => {
    const machine = phoneEnding(MACHINE);
    const { campaign } = await amdCampaign('leaveMessage', EXTENSIONS[1]!, [machine]);
    await waitFor(() => forCampaign('call.ended', campaign.id).length >= 1, { timeoutMs: 30_000 });
    const [record] = forCampaign('call.ended', campaign.id);
    expect(record).toMatchObject({ outcome: 'machine', amd: 'machine', hangupBy: 'system', agentId: null });
    const ids = callIdsOf(campaign.id);
    const [beep] = onSwitch('CUSTOM', ids, 'avmd::beep');
    const played = onSwitch('PLAYBACK_START', ids).filter((e) => e.headers['Playback-File-Path'] === MESSAGE);
    expect(beep).toBeDefined();
    expect(played).toHaveLength(1);
    expect(played[0]!.timestampUs).toBeGreaterThanOrEqual(beep!.timestampUs);
    // The call ended after the message (fs-sim plays it for 1 s at time scale 0.1: 100 ms).
    expect(Date.parse(record!['endedAt'] as string)).toBeGreaterThanOrEqual(
      Math.floor(played[0]!.timestampUs / 1000),
    );
    expect(onSwitch('CHANNEL_BRIDGE', ids)).toEqual([]);
  }, 60_000);

  it('passes a machine to an agent: bridged like a person, the verdict on the record', async () => {
    const machine = phoneEnding(MACHINE);
    const { agents, campaign } = await amdCampaign('passToAgent', EXTENSIONS[2]!, [machine]);
    await waitFor(() => forCampaign('call.agentConnected', campaign.id).length >= 1, { timeoutMs: 30_000 });
    const [connected] = forCampaign('call.agentConnected', campaign.id);
    expect(connected).toMatchObject({ agentId: agents[0] });
    expect(forCampaign('call.answered', campaign.id)).toEqual([expect.objectContaining({ amd: 'machine' })]);
    expect(onSwitch('CHANNEL_BRIDGE', callIdsOf(campaign.id))).toHaveLength(1);
  }, 60_000);

  it('bridges a person on an AMD campaign within the 2-second grace counted from the answer (and a machine whose beep comes too late)', async () => {
    const person = phoneEnding(PERSON);
    const lateBeep = phoneEnding(LATE_BEEP_MACHINE);
    const { agents, campaign } = await amdCampaign('hangup', EXTENSIONS[3]!, [person, lateBeep]);
    await waitFor(() => forCampaign('call.agentConnected', campaign.id).length >= 2, { timeoutMs: 40_000 });
    for (const c of forCampaign('call.agentConnected', campaign.id)) {
      expect(c['agentId']).toBe(agents[0]);
      // Detection (1.3 s without a beep) and the bridge fit in the grace counted from the answer.
      expect(c['answerToAgentMs']).toBeGreaterThanOrEqual(1_300);
      expect(c['answerToAgentMs']).toBeLessThanOrEqual(2_000);
    }
    const phoneOf = new Map(forCampaign('call.dialed', campaign.id).map((d) => [d['callId'], d['phone']]));
    const verdicts = forCampaign('call.answered', campaign.id).map((a) => [
      phoneOf.get(a['callId']),
      a['amd'],
    ]);
    // A person never beeps; a machine beeping after the window is taken for a person (avmd's limit).
    expect(verdicts.sort()).toEqual(
      [
        [person, 'human'],
        [lateBeep, 'human'],
      ].sort(),
    );
    for (const a of forCampaign('call.answered', campaign.id))
      expect(a['amdDetectionMs']).toBeGreaterThanOrEqual(1_300);
    expect(forCampaign('call.abandoned', campaign.id)).toEqual([]);
    expect(onSwitch('CUSTOM', callIdsOf(campaign.id), 'avmd::beep')).toEqual([]);
  }, 60_000);
});
