import { EslClient, type EslEvent } from '@autotelesale/esl';
import { startStackForTest, type StackUnderTest } from '@autotelesale/service-testing';
import { waitFor } from '@autotelesale/testing';
import {
  AGENT_SEATS,
  collectCallEvents,
  createAgents,
  createRunningCampaign,
  ofType,
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
 * Issue 7, call recording across a take-over: the replica that recorded two calls is
 * killed (SIGKILL) while both customers talk to their agents; the replica that takes the
 * campaign over must report each call's recording. One call's recording started and was
 * marked on its leg (`ats_recording_path`): the taker reports that file and starts no
 * other. For the other, the switch is put in the state of an owner that died before
 * recording it (recording stopped, no mark): the taker records it from then on into a file
 * of its own (`<callId>.takeover.wav`) and reports that one.
 */
const EXTENSIONS = AGENT_SEATS.slice(14, 16);
const DIRECTORY = '/tmp/ats-e2e-recordings-takeover';
const MARK = 'ats_recording_path';

let fs: SwitchUnderTest;
let stack: StackUnderTest;
let calls: ReturnType<typeof collectCallEvents>;
let esl: EslClient;
const switchEvents: EslEvent[] = [];
const replicas: DialerProcess[] = [];

beforeAll(async () => {
  buildDialer();
  fs = await startSwitchUnderTest({
    nodes: 1,
    scenario: scenario(EXTENSIONS),
    timeScale: FS_SIM_TIME_SCALE,
    jitterMs: 0,
    heartbeatMs: 300,
  });
  const sim = fsSimOf(fs);
  esl = new EslClient({ host: '127.0.0.1', port: sim.eslPorts[0]!, password: sim.password });
  esl.on('event', (e) => void switchEvents.push(e));
  await esl.connect();
  await esl.subscribe(['RECORD_START', 'RECORD_STOP']);
  stack = await startStackForTest([SERVICES.campaign, SERVICES.agent], {});
  calls = collectCallEvents(stack.bus);
}, 120_000);

afterAll(async () => {
  calls?.stop();
  for (const r of replicas) await r.kill();
  await stack?.stop();
  await esl?.close();
  await fs?.stop();
});

const forCampaign = (type: string, campaignId: string) =>
  ofType(calls.events, type).filter((e) => e['campaignId'] === campaignId);
const recordingsStarted = (callId: string) =>
  switchEvents
    .filter((e) => e.kind === 'record' && e.name === 'RECORD_START' && e.uniqueId === callId)
    .map((e) => (e.kind === 'record' ? e.recordFilePath : ''));

// fs-sim only: the customers are hung up through its control API (they talk for an hour).
describeFsSimOnly('call recording across a take-over (SIGKILL of the recording replica)', () => {
  it('the taker reports the file the dead owner recorded, and records a call the owner had not into its own file', async () => {
    for (const id of ['rec-a', 'rec-b'])
      replicas.push(await startReadyReplica(id, { namespace: stack.topology.namespace, switch: fs }));
    const agents = await createAgents(stack.bus, EXTENSIONS);
    const campaign = await createRunningCampaign(
      stack.bus,
      {
        mode: 'progressive',
        agents: agents.map((agentId) => ({ agentId })),
        pacing: { ringTimeoutSeconds: 15 },
        recording: { enabled: true, directory: DIRECTORY },
      },
      [phoneEnding('09'), phoneEnding('09')],
    );
    await waitFor(() => forCampaign('call.agentConnected', campaign.id).length === 2, {
      timeoutMs: 20_000,
      description: 'both customers with their agents',
    });
    const [kept, lost] = forCampaign('call.agentConnected', campaign.id).map((c) => c['callId'] as string);
    const day = new Date().toISOString().slice(0, 10);
    const fileOf = (callId: string) => `${DIRECTORY}/${campaign.id}/${day}/${callId}.wav`;
    // Both recorded and marked on their legs by the owner.
    await waitFor(
      async () =>
        (await esl.getVariable(kept!, MARK)) === fileOf(kept!) &&
        (await esl.getVariable(lost!, MARK)) === fileOf(lost!),
      { timeoutMs: 10_000, description: 'both recordings marked on their legs' },
    );
    expect(recordingsStarted(kept!)).toEqual([fileOf(kept!)]);
    expect(recordingsStarted(lost!)).toEqual([fileOf(lost!)]);
    // As if the owner had died before recording `lost`: no recording, no mark.
    expect(await esl.api(`uuid_record ${lost!} stop ${fileOf(lost!)}`)).toMatch(/^\+OK/);
    expect(await esl.api(`uuid_setvar ${lost!} ${MARK}`)).toMatch(/^\+OK/);
    expect(await esl.getVariable(lost!, MARK)).toBeUndefined();

    const owner = String(forCampaign('call.dialed', campaign.id)[0]!['dialerId']);
    const taker = owner === 'rec-a' ? 'rec-b' : 'rec-a';
    await replicas[owner === 'rec-a' ? 0 : 1]!.kill();
    // The taker re-tags both legs, then records `lost` into its own file.
    const takeoverFile = `${DIRECTORY}/${campaign.id}/${day}/${lost!}.takeover.wav`;
    await waitFor(
      async () =>
        (await esl.getVariable(kept!, 'ats_dialer_id')) === taker &&
        (await esl.getVariable(lost!, 'ats_dialer_id')) === taker &&
        (await esl.getVariable(lost!, MARK)) === takeoverFile,
      { timeoutMs: 20_000, description: `${taker} took both calls over and recorded the unrecorded one` },
    );

    for (const callId of [kept!, lost!]) await fsSimOf(fs).control(`/channels/${callId}/hangup`);
    await waitFor(() => forCampaign('call.ended', campaign.id).length === 2, {
      timeoutMs: 20_000,
      description: 'both calls ended',
    });
    const ended = new Map(forCampaign('call.ended', campaign.id).map((e) => [e['callId'] as string, e]));
    expect(ended.get(kept!)).toMatchObject({
      dialerId: taker,
      outcome: 'answered',
      recordingPath: fileOf(kept!),
    });
    expect(ended.get(lost!)).toMatchObject({
      dialerId: taker,
      outcome: 'answered',
      recordingPath: takeoverFile,
    });
    // The switch's word: the kept call was recorded once, never over again.
    expect(recordingsStarted(kept!)).toEqual([fileOf(kept!)]);
    expect(recordingsStarted(lost!)).toEqual([fileOf(lost!), takeoverFile]);
  }, 120_000);
});
