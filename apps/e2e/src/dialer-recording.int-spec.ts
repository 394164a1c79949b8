import { campaignRpcs, type Campaign } from '@autotelesale/contracts';
import { parseFsNodes } from '@autotelesale/dialer-domain';
import { EslClient, type EslEvent } from '@autotelesale/esl';
import { startStackForTest, type StackUnderTest } from '@autotelesale/service-testing';
import { expectEventually, waitFor, waitForQuiescence } from '@autotelesale/testing';
import {
  AGENT_SEATS,
  collectCallEvents,
  createAgents,
  EXPECTED_OUTCOME,
  ofType,
  phoneEnding,
  scenario,
} from './dialer-fixtures';
import type { Caller } from './gateway-app';
import { ADMIN, ALWAYS_OPEN, gatewayApi, login, personOf, type Api } from './gateway-fixtures';
import { SERVICES } from './stack';
import { FS_SIM_TIME_SCALE, startSwitchUnderTest, switchMs, type SwitchUnderTest } from './switch-under-test';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read JSON bodies loosely */

/**
 * Issue 7 / seed 003, call recording end to end: campaigns set up over the gateway with
 * `recording`, run by the dialer on the switch under test. What the switch really recorded
 * (its RECORD_START / RECORD_STOP events, `Record-File-Path`, on our own ESL connection) is
 * the truth the call facts are checked against: each answered call of a recorded campaign
 * names the file the switch wrote in `call.ended`, in reporting's call records
 * (`recordingLink`) and in their CSV; unanswered calls and an unrecorded campaign name none
 * and the switch recorded nothing for them.
 */
const EXTENSIONS = AGENT_SEATS.slice(0, 5);
const DIRECTORY = '/tmp/ats-e2e-recordings';
const DEFAULT_DIRECTORY = '/var/lib/freeswitch/recordings';

let sw: SwitchUnderTest;
let stack: StackUnderTest;
let api: Api;
let supervisor: Caller;
let calls: ReturnType<typeof collectCallEvents>;
let esl: EslClient;
const switchEvents: EslEvent[] = [];

beforeAll(async () => {
  sw = await startSwitchUnderTest({
    nodes: 1,
    scenario: scenario(EXTENSIONS),
    timeScale: FS_SIM_TIME_SCALE,
    jitterMs: 0,
  });
  // What the switch really did: every recording it started and stopped.
  const node = parseFsNodes(sw.nodesEnv)[0]!;
  esl = new EslClient({ host: node.host, port: node.port, password: node.password });
  esl.on('event', (e) => void switchEvents.push(e));
  await esl.connect();
  await esl.subscribe(['RECORD_START', 'RECORD_STOP']);
  stack = await startStackForTest(
    [SERVICES.campaign, SERVICES.agent, SERVICES.reporting, SERVICES.dialer, SERVICES.gateway],
    {
      ATS_FS_NODES: sw.nodesEnv,
      ATS_DIALER_ID: 'dialer-recording-e2e',
      ATS_ADMIN_EMAIL: ADMIN.email,
      ATS_ADMIN_PASSWORD: ADMIN.password,
      ATS_TOKEN_SECRET: 'e2e-secret-long-enough-for-hmac-signing',
      ATS_GRPC_PORT: '0',
    },
  );
  calls = collectCallEvents(stack.bus);
  api = gatewayApi(stack);
  supervisor = await personOf(api, await login(api, ADMIN.email, ADMIN.password), 'supervisor');
}, 120_000);

afterAll(async () => {
  calls?.stop();
  await stack?.stop();
  await esl?.close();
  await sw?.stop();
});

const forCampaign = (type: string, campaignId: string) =>
  ofType(calls.events, type).filter((e) => e['campaignId'] === campaignId);

/** The switch's recording events per call uuid: start and stop times (µs) and the file. */
function recordedOnSwitch(): Map<string, { path: string; startUs: number; stopUs?: number }[]> {
  const byCall = new Map<string, { path: string; startUs: number; stopUs?: number }[]>();
  for (const e of switchEvents) {
    if (e.kind !== 'record') continue;
    const list = byCall.get(e.uniqueId) ?? [];
    if (e.name === 'RECORD_START') list.push({ path: e.recordFilePath, startUs: e.timestampUs });
    else {
      const open = list.find((r) => r.path === e.recordFilePath && r.stopUs === undefined);
      if (open) open.stopUs = e.timestampUs;
    }
    byCall.set(e.uniqueId, list);
  }
  return byCall;
}

/** Created over the gateway (the REST DTO carries `recording`), its list imported and started. */
async function runCampaign(
  body: Record<string, unknown>,
  phones: string[],
  changes?: object,
): Promise<Campaign> {
  const created = await api('POST', '/api/v1/campaigns', {
    as: supervisor,
    body: { callingHours: ALWAYS_OPEN, wrapUpSeconds: 0, pacing: { ringTimeoutSeconds: 15 }, ...body },
  });
  expect(created.status).toBe(201);
  let campaign = created.body as Campaign;
  if (changes) {
    const updated = await api('PATCH', `/api/v1/campaigns/${campaign.id}`, {
      as: supervisor,
      body: { expectedVersion: campaign.version, changes },
    });
    expect(updated.status).toBe(200);
    campaign = updated.body as Campaign;
  }
  const list = await stack.bus.request(campaignRpcs.createList, { campaignId: campaign.id, name: 'e2e' });
  const csv = `phone,name\n${phones.map((p, i) => `${p},Customer ${i}`).join('\n')}\n`;
  const started = await stack.bus.request(campaignRpcs.startImport, { listId: list.id, format: 'csv' });
  await stack.bus.request(
    campaignRpcs.importChunk,
    { importId: started.importId, seq: 0, data: Buffer.from(csv).toString('base64'), last: true },
    { timeoutMs: 30_000 },
  );
  await stack.bus.request(campaignRpcs.transitionCampaign, { campaignId: campaign.id, action: 'start' });
  return campaign;
}

async function endedCalls(campaignId: string, count: number) {
  await waitFor(() => forCampaign('call.ended', campaignId).length >= count, {
    timeoutMs: switchMs(90_000),
    description: `${count} calls of ${campaignId} ended`,
  });
  expect(await waitForQuiescence(() => forCampaign('call.ended', campaignId).length)).toBe(count);
  return forCampaign('call.ended', campaignId);
}

const day = (iso: unknown) => new Date(Date.parse(iso as string)).toISOString().slice(0, 10);

/** The gateway's call records of a campaign (list and CSV), once reporting has every call ended. */
async function gatewayRecords(campaignId: string, count: number) {
  let items: any[] = [];
  await expectEventually(async () => {
    const page = await api('GET', `/api/v1/reports/calls?campaignId=${campaignId}&ended=true&limit=100`, {
      as: supervisor,
    });
    expect(page.status).toBe(200);
    items = page.body.items;
    expect(items).toHaveLength(count);
  });
  const csv = await api('GET', `/api/v1/reports/calls.csv?campaignId=${campaignId}`, { as: supervisor });
  expect(csv.status).toBe(200);
  const [header, ...rows] = (csv.body as string)
    .trimEnd()
    .split('\r\n')
    .map((l) => l.split(','));
  const col = (name: string) => header!.indexOf(name);
  const csvRecording = new Map(rows.map((r) => [r[col('call_id')], r[col('recording')]]));
  return { items, csvRecording };
}

describe('call recording', () => {
  it(
    'records the answered calls of a recorded campaign from the bridge (or the answer), names the file everywhere, and nothing else',
    async () => {
      const agents = await createAgents(stack.bus, EXTENSIONS);
      // From the bridge, into the campaign's own directory.
      const bridgeSuffixes = ['01', '02', '03', '04'];
      const fromBridge = await runCampaign(
        {
          name: 'recorded from the bridge',
          mode: 'progressive',
          agents: agents.slice(0, 2).map((agentId) => ({ agentId })),
          recording: { enabled: true, directory: DIRECTORY },
        },
        bridgeSuffixes.map(phoneEnding),
      );
      expect(fromBridge.recording).toEqual({ enabled: true, from: 'bridge', directory: DIRECTORY });
      // From the answer, into the dialer's default directory (ATS_RECORDINGS_DIR unset).
      const answerSuffixes = ['01', '02', '05'];
      const fromAnswer = await runCampaign(
        {
          name: 'recorded from the answer',
          mode: 'predictive',
          agents: agents.slice(2, 4).map((agentId) => ({ agentId })),
          recording: { enabled: true, from: 'answer' },
        },
        answerSuffixes.map(phoneEnding),
      );
      expect(fromAnswer.recording).toEqual({ enabled: true, from: 'answer' });
      // Turned on, then off again by an update: not recorded.
      const unrecorded = await runCampaign(
        {
          name: 'not recorded',
          mode: 'progressive',
          agents: [{ agentId: agents[4]! }],
          recording: { enabled: true, from: 'answer' },
        },
        ['01', '03'].map(phoneEnding),
        { recording: { enabled: false } },
      );
      expect(unrecorded.recording).toEqual({ enabled: false, from: 'answer' });

      const cases = [
        { campaign: fromBridge, suffixes: bridgeSuffixes, directory: DIRECTORY },
        { campaign: fromAnswer, suffixes: answerSuffixes, directory: DEFAULT_DIRECTORY },
        { campaign: unrecorded, suffixes: ['01', '03'], directory: null },
      ];
      for (const { campaign, suffixes, directory } of cases) {
        const ended = await endedCalls(campaign.id, suffixes.length);
        const connected = new Map(
          forCampaign('call.agentConnected', campaign.id).map((c) => [c['callId'] as string, c]),
        );
        // Every RECORD_STOP follows the hangup; wait until the switch closed every file.
        await waitFor(() => [...recordedOnSwitch().values()].flat().every((r) => r.stopUs !== undefined));
        const onSwitch = recordedOnSwitch();
        const { items, csvRecording } = await gatewayRecords(campaign.id, suffixes.length);
        const answered = ended.filter((e) => e['outcome'] === 'answered');
        expect(answered).toHaveLength(suffixes.filter((s) => EXPECTED_OUTCOME[s] === 'answered').length);
        for (const call of ended) {
          const callId = call['callId'] as string;
          const recorded = directory !== null && call['outcome'] === 'answered';
          const expected = recorded
            ? `${directory}/${campaign.id}/${day(call['answeredAt'])}/${callId}.wav`
            : null;
          // The fact, the switch's truth, the record and its CSV line agree.
          expect([callId, call['recordingPath']]).toEqual([callId, expected]);
          const record = items.find((r) => r.callId === callId);
          expect([callId, record?.recordingPath, record?.recordingLink]).toEqual([
            callId,
            expected,
            expected === null ? null : `file://${expected}`,
          ]);
          expect([callId, csvRecording.get(callId)]).toEqual([callId, expected ?? '']);
          const files = onSwitch.get(callId) ?? [];
          expect([callId, files.map((f) => f.path)]).toEqual([callId, expected === null ? [] : [expected]]);
          if (expected === null) continue;
          // Recorded on the customer leg until it hung up, from the campaign's moment.
          const file = files[0]!;
          const startMs = file.startUs / 1000;
          expect(file.stopUs).toBeGreaterThanOrEqual(file.startUs);
          const connectedAt = Date.parse(connected.get(callId)?.['connectedAt'] as string);
          if (campaign.recording.from === 'bridge') expect(startMs).toBeGreaterThanOrEqual(connectedAt - 1);
          else {
            expect(startMs).toBeGreaterThanOrEqual(Date.parse(call['answeredAt'] as string) - 1);
            expect(startMs).toBeLessThanOrEqual(connectedAt + 1);
          }
        }
      }
      // Nothing recorded outside these calls.
      const ours = new Set(calls.events.map((e) => (e.payload as { callId?: string }).callId));
      expect([...recordedOnSwitch().keys()].filter((uuid) => !ours.has(uuid))).toEqual([]);
    },
    switchMs(180_000),
  );

  it('refuses an unsafe recording directory at the gateway, naming the field', async () => {
    for (const directory of ['relative/dir', '/var/../etc', '/with space', `/${'a'.repeat(200)}`]) {
      const refused = await api('POST', '/api/v1/campaigns', {
        as: supervisor,
        body: { name: 'bad directory', mode: 'progressive', recording: { enabled: true, directory } },
      });
      expect([directory, refused.status, refused.body.code]).toEqual([directory, 400, 'VALIDATION_FAILED']);
      expect(refused.body.details).toEqual([expect.objectContaining({ path: 'recording.directory' })]);
    }
    const unknown = await api('POST', '/api/v1/campaigns', {
      as: supervisor,
      body: { name: 'bad moment', mode: 'progressive', recording: { from: 'ringing' } },
    });
    expect([unknown.status, unknown.body.details]).toEqual([
      400,
      [expect.objectContaining({ path: 'recording.from' })],
    ]);
  });

  it('describes the setting in the OpenAPI document (create and update)', async () => {
    const docs = await api('GET', '/api/docs-json');
    expect(docs.status).toBe(200);
    const create = docs.body.paths['/api/v1/campaigns'].post.requestBody.content['application/json'].schema;
    expect(create.properties.recording).toMatchObject({
      type: 'object',
      properties: {
        enabled: { type: 'boolean' },
        from: { enum: ['answer', 'bridge'] },
        directory: expect.anything(),
      },
    });
    const update =
      docs.body.paths['/api/v1/campaigns/{campaignId}'].patch.requestBody.content['application/json'].schema;
    expect(update.properties.changes.properties.recording.properties).toHaveProperty('from');
  });
});
