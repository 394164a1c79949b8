import { randomUUID } from 'node:crypto';
import { abandonRate, AbandonWindowCounter } from '@autotelesale/compliance-domain';
import {
  abandonMinutesRpc,
  abandonWindowsRpc,
  callAgentConnectedEvent,
  callAnsweredEvent,
  callDialedEvent,
  callEndedEvent,
  createEvent,
  queryKpisRpc,
  type CallRecord,
  type EventEnvelope,
} from '@autotelesale/contracts';
import { sampleValue, startReportingHarness, type ReportingHarness } from '../../test/reporting-harness';

/**
 * The UK rule's estimate of AMD false positives, end to end through reporting: call
 * events as the dialer publishes them (the campaign's false-positive rate on the verdict
 * and the record), stored, and counted into the KPIs, the regulator windows and the
 * per-minute history a dialer seeds its window from.
 *
 * Campaign UK1 (rate 0.1): 20 people connected at once, 1 person abandoned, 10 machines hung
 * up on, 1 machine passed to an agent. By hand: live answers 22 (the passed machine is one,
 * as the dialer counts it), abandons 1, machine verdicts 10, estimate 10 x 0.1 = 1; UK rate
 * (1 + 1) / (22 + 1) = 2/23; US rate 1/22.
 * Campaign OLD: 3 machines hung up on by a dialer from before the field (no rate): 3 verdicts,
 * no estimate.
 */
const base = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000);
const at = (seconds: number) => new Date(base.getTime() + seconds * 1000).toISOString();
const RATE = 0.1;

type Kind = 'person' | 'abandoned' | 'machineHungUp' | 'machinePassed';

function callEvents(campaignId: string, kind: Kind, i: number, rate: number | undefined): EventEnvelope[] {
  const callId = randomUUID();
  const contactId = randomUUID();
  const attemptId = randomUUID();
  const phone = `+4420794600${String(i).padStart(2, '0')}`;
  const dialedAt = at(i * 30);
  const answeredAt = at(i * 30 + 8);
  const machine = kind === 'machineHungUp' || kind === 'machinePassed';
  const connected = kind === 'person' || kind === 'machinePassed';
  const connectedAt = at(i * 30 + 9);
  const withRate = rate === undefined ? {} : { amdFalsePositiveRate: rate };
  let version = 0;
  const envelope = <P>(definition: Parameters<typeof createEvent>[0], payload: P) =>
    createEvent(definition, {
      aggregateId: callId,
      aggregateVersion: ++version,
      producer: 'dialer',
      payload,
    });
  const record: CallRecord = {
    callId,
    campaignId,
    attemptId,
    contactId,
    dialerId: 'dialer-uk',
    node: 'fs1',
    mode: 'predictive',
    phone,
    outcome: kind === 'machineHungUp' ? 'machine' : kind === 'abandoned' ? 'abandoned' : 'answered',
    liveAnswer: kind !== 'machineHungUp',
    abandoned: kind === 'abandoned',
    abandonReason: kind === 'abandoned' ? 'noAgentWithinGrace' : null,
    amd: machine ? 'machine' : 'human',
    amdDetectionMs: 700,
    ...withRate,
    agentId: connected ? 'agent-1' : null,
    extension: connected ? '1001' : null,
    dialedAt,
    answeredAt,
    connectedAt: connected ? connectedAt : null,
    endedAt: at(i * 30 + 20),
    ringSeconds: 8,
    holdSeconds: connected ? 1 : kind === 'abandoned' ? 2 : 0,
    talkSeconds: connected ? 11 : 0,
    hangupCause: 'NORMAL_CLEARING',
    hangupBy: kind === 'machineHungUp' ? 'system' : 'customer',
    recordingPath: null,
  };
  const events = [
    envelope(callDialedEvent, {
      callId,
      campaignId,
      attemptId,
      contactId,
      dialerId: 'dialer-uk',
      node: 'fs1',
      mode: 'predictive',
      phone,
      dialedAt,
    }),
    envelope(callAnsweredEvent, {
      callId,
      campaignId,
      answeredAt,
      amd: record.amd,
      amdDetectionMs: 700,
      ...withRate,
    }),
  ];
  if (connected)
    events.push(
      envelope(callAgentConnectedEvent, {
        callId,
        campaignId,
        contactId,
        agentId: 'agent-1',
        extension: '1001',
        phone,
        connectedAt,
        answerToAgentMs: 1_000,
      }),
    );
  events.push(envelope(callEndedEvent, record));
  return events as EventEnvelope[];
}

describe('the UK estimate of AMD false positives in reports', () => {
  let h: ReportingHarness;
  const uk = randomUUID();
  const old = randomUUID();

  beforeAll(async () => {
    h = await startReportingHarness();
    const kinds: Kind[] = [
      ...Array<Kind>(20).fill('person'),
      'abandoned',
      ...Array<Kind>(10).fill('machineHungUp'),
      'machinePassed',
    ];
    const ukEvents = kinds.flatMap((kind, i) => callEvents(uk, kind, i, RATE));
    const oldEvents = [0, 1, 2].flatMap((i) => callEvents(old, 'machineHungUp', i, undefined));
    // Records before their verdicts: the rate is kept whatever the order.
    await h.publish([...ukEvents, ...oldEvents].reverse());
    await h.start();
    await h.waitUntilCaughtUp();
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  });

  const window = { from: at(-60), to: at(3_600) };

  it('shows the estimate as its own KPI, apart from the known false positives, in the UK rate only', async () => {
    const reply = await h.bus.request(queryKpisRpc, {
      ...window,
      groupBy: 'campaign',
      campaignIds: [uk, old],
    });
    const byCampaign = new Map(reply.rows.map((r) => [r.campaignId, r.kpis]));
    const k = byCampaign.get(uk)!;
    expect(k).toMatchObject({
      dials: 32,
      liveAnswers: 22,
      abandons: 1,
      amdFalsePositives: 0,
      machineVerdicts: 10,
    });
    expect(k.amdFalsePositivesEstimated).toBeCloseTo(1, 9);
    expect(k.abandonRate).toBeCloseTo(1 / 22, 9);
    expect(k.abandonRateUk).toBeCloseTo(2 / 23, 9);
    // A dialer from before the field: verdicts, no estimate.
    expect(byCampaign.get(old)).toMatchObject({
      machineVerdicts: 3,
      amdFalsePositivesEstimated: 0,
      abandonRateUk: 0,
    });
  });

  it('puts the estimate in the UK 24 h window (and not the US one), as its own figure', async () => {
    const reply = await h.bus.request(abandonWindowsRpc, { campaignId: uk, at: at(3_600) });
    const [us, ukWindow] = reply.windows;
    expect(us).toMatchObject({
      rule: 'US',
      liveAnswers: 22,
      abandons: 1,
      machineVerdicts: 0,
      amdFalsePositivesEstimated: 0,
    });
    expect(us!.rate).toBeCloseTo(1 / 22, 9);
    expect(ukWindow).toMatchObject({
      rule: 'UK',
      liveAnswers: 22,
      abandons: 1,
      machineVerdicts: 10,
      withinCap: false,
    });
    expect(ukWindow!.amdFalsePositivesEstimated).toBeCloseTo(1, 9);
    expect(ukWindow!.rate).toBeCloseTo(2 / 23, 9);
    // 3 % of 23 is 0.69: no abandon left; 2 are in.
    expect(ukWindow!.abandonsLeft).toBe(-2);
  });

  it('serves the same UK rate as the abandon ratio gauge', async () => {
    const scrape = await h.scrape();
    expect(
      sampleValue(scrape, 'autotelesale_reporting_abandon_ratio', { campaign_id: uk, rule: 'UK' }),
    ).toBeCloseTo(2 / 23, 9);
    expect(
      sampleValue(scrape, 'autotelesale_reporting_abandon_ratio', { campaign_id: uk, rule: 'US' }),
    ).toBeCloseTo(1 / 22, 9);
  });

  it("gives a dialer seeding its window from abandon.minutes the same UK rate as reporting's", async () => {
    const reply = await h.bus.request(abandonMinutesRpc, { campaignId: uk, at: at(3_600) });
    const sum = (key: 'liveAnswers' | 'abandons' | 'machineDetections') =>
      reply.minutes.reduce((total, m) => total + m[key], 0);
    // The machine passed to an agent is a live answer here as in the dialer, never a verdict.
    expect([sum('liveAnswers'), sum('abandons'), sum('machineDetections')]).toEqual([22, 1, 10]);
    // What the dialer does with them (campaign-runner: AbandonWindowCounter, its campaign's rate).
    const counter = new AbandonWindowCounter(86_400_000);
    for (const m of reply.minutes) {
      const t = Date.parse(m.start);
      for (let i = 0; i < m.liveAnswers; i++) counter.record(t, 'liveAnswered');
      for (let i = 0; i < m.abandons; i++) counter.record(t, 'abandoned');
      for (let i = 0; i < m.machineDetections; i++) counter.record(t, 'machineDetected');
    }
    const dialerRate = abandonRate(counter.window(Date.parse(at(3_600)), RATE));
    const windows = await h.bus.request(abandonWindowsRpc, { campaignId: uk, at: at(3_600) });
    expect(windows.windows[1]!.rate).toBeCloseTo(dialerRate, 12);
  });

  it('stores what each call adds, and changes nothing when every event comes again', async () => {
    const before = await h.pg.query(
      `SELECT call_id, machine_verdict, amd_false_positive_rate, amd_false_positive_estimate
         FROM call_record WHERE campaign_id = ANY($1::uuid[]) ORDER BY call_id`,
      [[uk, old]],
    );
    expect(before.rows.filter((r) => r.machine_verdict)).toHaveLength(13);
    expect(before.rows.reduce((s, r) => s + Number(r.amd_false_positive_estimate), 0)).toBeCloseTo(1, 9);
    await h.stop();
    await h.resetConsumers();
    await h.start();
    await h.waitUntilCaughtUp();
    const after = await h.pg.query(
      `SELECT call_id, machine_verdict, amd_false_positive_rate, amd_false_positive_estimate
         FROM call_record WHERE campaign_id = ANY($1::uuid[]) ORDER BY call_id`,
      [[uk, old]],
    );
    expect(after.rows).toEqual(before.rows);
  }, 60_000);
});
