import { parse } from 'csv-parse/sync';
import {
  abandonMinutesRpc,
  abandonWindowsRpc,
  agentStateTimesRpc,
  compareManualRpc,
  exportCallRecordsRpc,
  listCallRecordsRpc,
  queryKpisRpc,
  type Kpis,
  type ReportedCall,
} from '@autotelesale/contracts';
import { CALL_CSV_COLUMNS, unescapeFormula } from '@autotelesale/reporting-domain';
import { waitFor } from '@autotelesale/testing';
import { sampleValue, startReportingHarness, type ReportingHarness } from '../test/reporting-harness';
import { scriptedDay, type ScriptedDay } from '../test/scripted-day';

/**
 * The scripted hour of test/scripted-day.ts, published out of order across and within the
 * streams, and every figure worked out by hand below.
 */

// The hour starts two hours before the current one: in the past, and inside every
// "window ending now" of the metrics (UK 24 h, active campaigns).
const base = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000);
const iso = (offsetMinutes: number) => new Date(base.getTime() + offsetMinutes * 60_000).toISOString();
const close = (n: number) => expect.closeTo(n, 6) as unknown as number;

/**
 * Campaign C1 over the hour, by hand:
 * - dials: K1..K10 = 10 (K10 still ringing counts as a dial)
 * - live answers (US): K1 K2 K3 K4 K9 = 5 (K7 a machine; K8 the AMD false positive is left out)
 * - connects: K1 K2 K3 = 3
 * - abandons: K3 (connected 2.5 s after the answer), K4 (no agent), K9 (hung up waiting) = 3
 * - abandon rate 3/5; UK (K8 added to both): 4/6
 * - agents: A1 logged in 3600 s, A2 1800 s = 5400 s (1.5 agent-hours); talk 120+180+60 = 360 s;
 *   wrap-up 30+20+10 = 60 s
 * - occupancy 360/5400; talk minutes per agent-hour 6/1.5 = 4; contacts per agent-hour 3/1.5 = 2
 * - handle time (360+60)/3 = 140 s; hold: (0.5+1.2+2.5+2+1)/5 = 1.44 s; talk per call (120+60+180)/3 = 120 s
 * - answer to agent: 500, 1200, 2500 ms: p50 (rank 2) 1200, p99 (rank 3) 2500
 * - sales K1 and K3: 2 of 3 connects, 250 + 100 USD
 */
const C1_KPIS: Kpis = {
  dials: 10,
  liveAnswers: 5,
  connects: 3,
  abandons: 3,
  abandonRate: close(3 / 5),
  amdFalsePositives: 1,
  // K7, a machine hung up on by events that carry no false-positive rate: no estimate.
  machineVerdicts: 1,
  amdFalsePositivesEstimated: 0,
  abandonRateUk: close(4 / 6),
  loggedInSeconds: close(5400),
  talkSeconds: close(360),
  wrapUpSeconds: close(60),
  occupancy: close(360 / 5400),
  talkMinutesPerAgentHour: close(4),
  contactsPerAgentHour: close(2),
  averageHandleSeconds: close(140),
  averageHoldSeconds: close(1.44),
  averageTalkSeconds: close(120),
  answerToAgentP50Ms: 1200,
  answerToAgentP99Ms: 2500,
  sales: 2,
  conversionRate: close(2 / 3),
  saleValue: close(350),
  saleValueByCurrency: { USD: close(350) },
};

const ZERO: Kpis = {
  dials: 0,
  liveAnswers: 0,
  connects: 0,
  abandons: 0,
  abandonRate: 0,
  amdFalsePositives: 0,
  machineVerdicts: 0,
  amdFalsePositivesEstimated: 0,
  abandonRateUk: 0,
  loggedInSeconds: 0,
  talkSeconds: 0,
  wrapUpSeconds: 0,
  occupancy: 0,
  talkMinutesPerAgentHour: 0,
  contactsPerAgentHour: 0,
  averageHandleSeconds: 0,
  averageHoldSeconds: 0,
  averageTalkSeconds: 0,
  answerToAgentP50Ms: 0,
  answerToAgentP99Ms: 0,
  sales: 0,
  conversionRate: 0,
  saleValue: 0,
  saleValueByCurrency: {},
};

async function campaignKpis(h: ReportingHarness, day: ScriptedDay) {
  return h.bus.request(queryKpisRpc, {
    from: iso(-60),
    to: iso(120),
    groupBy: 'campaign',
    campaignIds: [day.campaignId],
  });
}

/** Everything reporting stored, to compare before and after replays (timestamps of our own writes left out). */
async function storedState(h: ReportingHarness) {
  const calls = await h.pg.query(`SELECT * FROM call_record ORDER BY call_id`);
  const intervals = await h.pg.query(`SELECT * FROM agent_state_interval ORDER BY agent_id, version`);
  const dispositions = await h.pg.query(`SELECT * FROM disposition ORDER BY disposition_id`);
  const campaigns = await h.pg.query(
    `SELECT campaign_id, name, abandon_rate_cap, version FROM campaign ORDER BY 1`,
  );
  return {
    calls: calls.rows.map(({ updated_at: _updatedAt, ...row }) => row),
    intervals: intervals.rows,
    dispositions: dispositions.rows,
    campaigns: campaigns.rows,
  };
}

describe('reporting a scripted hour of a small campaign', () => {
  let h: ReportingHarness;
  let day: ScriptedDay;

  beforeAll(async () => {
    h = await startReportingHarness();
    day = scriptedDay(base);
    // Published before the service starts, and out of order: dispositions before their
    // calls, call records before their dials, agent versions swapped.
    await h.publish(day.scrambled);
    await h.start();
    await h.waitUntilCaughtUp();
  });

  afterAll(async () => {
    await h?.close();
  });

  it('computes the campaign KPIs of the hour exactly', async () => {
    const reply = await campaignKpis(h, day);
    expect(reply.rows).toEqual([
      {
        campaignId: day.campaignId,
        agentId: null,
        bucketStart: iso(-60),
        bucketEnd: iso(120),
        kpis: C1_KPIS,
      },
    ]);
  });

  it('computes the KPIs per agent: each agent their own calls, time and sales', async () => {
    const reply = await h.bus.request(queryKpisRpc, { from: iso(0), to: iso(60), groupBy: 'agent' });
    const byAgent = Object.fromEntries(reply.rows.map((r) => [r.agentId, r.kpis]));
    expect(Object.keys(byAgent).sort()).toEqual([day.agents.a1, day.agents.a2].sort());
    // A1: K1 (500 ms) and K3 (2500 ms, a late connect); 3600 s logged in, talk 300, wrap 50.
    expect(byAgent[day.agents.a1]).toEqual({
      ...ZERO,
      dials: 2,
      liveAnswers: 2,
      connects: 2,
      abandons: 1,
      abandonRate: close(0.5),
      abandonRateUk: close(0.5),
      loggedInSeconds: close(3600),
      talkSeconds: close(300),
      wrapUpSeconds: close(50),
      occupancy: close(300 / 3600),
      talkMinutesPerAgentHour: close(5),
      contactsPerAgentHour: close(2),
      averageHandleSeconds: close(175),
      averageHoldSeconds: close(1.5),
      averageTalkSeconds: close(150),
      answerToAgentP50Ms: 500,
      answerToAgentP99Ms: 2500,
      sales: 2,
      conversionRate: close(1),
      saleValue: close(350),
      saleValueByCurrency: { USD: close(350) },
    });
    // A2: K2 (1200 ms); 1800 s logged in, talk 60, wrap 10.
    expect(byAgent[day.agents.a2]).toEqual({
      ...ZERO,
      dials: 1,
      liveAnswers: 1,
      connects: 1,
      loggedInSeconds: close(1800),
      talkSeconds: close(60),
      wrapUpSeconds: close(10),
      occupancy: close(60 / 1800),
      talkMinutesPerAgentHour: close(2),
      contactsPerAgentHour: close(2),
      averageHandleSeconds: close(70),
      averageHoldSeconds: close(1.2),
      averageTalkSeconds: close(60),
      answerToAgentP50Ms: 1200,
      answerToAgentP99Ms: 1200,
    });
  });

  it('computes the KPIs per 15-minute interval, each call in the bucket of its dial time', async () => {
    const reply = await h.bus.request(queryKpisRpc, {
      from: iso(0),
      to: iso(120),
      interval: '15m',
      groupBy: 'campaign',
      campaignIds: [day.campaignId],
    });
    const rows = reply.rows.map((r) => [r.bucketStart, r.bucketEnd, r.kpis]);
    expect(rows).toEqual([
      [
        iso(0),
        iso(15),
        {
          ...ZERO,
          dials: 3,
          liveAnswers: 3,
          connects: 3,
          abandons: 1,
          abandonRate: close(1 / 3),
          abandonRateUk: close(1 / 3),
          loggedInSeconds: close(1800),
          talkSeconds: close(360),
          wrapUpSeconds: close(60),
          occupancy: close(0.2),
          talkMinutesPerAgentHour: close(12),
          contactsPerAgentHour: close(6),
          averageHandleSeconds: close(140),
          averageHoldSeconds: close(4.2 / 3),
          averageTalkSeconds: close(120),
          answerToAgentP50Ms: 1200,
          answerToAgentP99Ms: 2500,
          sales: 2,
          conversionRate: close(2 / 3),
          saleValue: close(350),
          saleValueByCurrency: { USD: close(350) },
        },
      ],
      // K4..K8: one live answer (K4), abandoned; K7 the machine; K8 the false positive; nobody talked.
      [
        iso(15),
        iso(30),
        {
          ...ZERO,
          dials: 5,
          liveAnswers: 1,
          abandons: 1,
          abandonRate: close(1),
          amdFalsePositives: 1,
          machineVerdicts: 1,
          abandonRateUk: close(1),
          loggedInSeconds: close(1800),
          averageHoldSeconds: close(2),
        },
      ],
      // K9, abandoned; A2 logged out at 30:00.
      [
        iso(30),
        iso(45),
        {
          ...ZERO,
          dials: 1,
          liveAnswers: 1,
          abandons: 1,
          abandonRate: close(1),
          abandonRateUk: close(1),
          loggedInSeconds: close(900),
          averageHoldSeconds: close(1),
        },
      ],
      // K10 still ringing; A1 until 60:00.
      [iso(45), iso(60), { ...ZERO, dials: 1, loggedInSeconds: close(900) }],
    ]);
  });

  it('keeps the campaigns apart', async () => {
    const reply = await h.bus.request(queryKpisRpc, { from: iso(0), to: iso(60), groupBy: 'campaign' });
    const other = reply.rows.find((r) => r.campaignId === day.otherCampaignId);
    expect(other?.kpis).toEqual({ ...ZERO, dials: 1 });
    expect(reply.rows.find((r) => r.campaignId === day.campaignId)?.kpis.dials).toBe(10);
  });

  it('keeps the time of each agent in each state and campaign', async () => {
    const { items } = await h.bus.request(agentStateTimesRpc, {
      from: iso(0),
      to: iso(60),
      agentId: day.agents.a1,
    });
    const time = Object.fromEntries(items.map((i) => [`${i.state}:${i.campaignId ? 'C1' : '-'}`, i.seconds]));
    // not_ready 60; ready 60 + 320 + 2799; reserved 10 + 1; on_call 120 + 180; wrap 30 + 20.
    expect(time).toEqual({
      'not_ready:-': close(60),
      'ready:-': close(60 + 320 + 2799),
      'reserved:C1': close(11),
      'on_call:C1': close(300),
      'wrap_up:C1': close(50),
    });
  });

  it("reports the abandon rate over the regulators' windows against the campaign's cap", async () => {
    const reply = await h.bus.request(abandonWindowsRpc, { campaignId: day.campaignId, at: iso(120) });
    expect(reply.windows).toEqual([
      {
        rule: 'US',
        windowSeconds: 30 * 86_400,
        from: new Date(base.getTime() + 120 * 60_000 - 30 * 86_400_000).toISOString(),
        to: iso(120),
        liveAnswers: 5,
        abandons: 3,
        machineVerdicts: 0,
        amdFalsePositivesEstimated: 0,
        rate: close(0.6),
        capRate: 0.03,
        withinCap: false,
        abandonsLeft: 0 - 3,
      },
      {
        rule: 'UK',
        windowSeconds: 86_400,
        from: new Date(base.getTime() + 120 * 60_000 - 86_400_000).toISOString(),
        to: iso(120),
        liveAnswers: 6,
        abandons: 4,
        machineVerdicts: 1,
        amdFalsePositivesEstimated: 0,
        rate: close(4 / 6),
        capRate: 0.03,
        withinCap: false,
        abandonsLeft: 0 - 4,
      },
    ]);
    // A window that ends before the hour holds nothing.
    const before = await h.bus.request(abandonWindowsRpc, { campaignId: day.campaignId, at: iso(0) });
    expect(before.windows.map((w) => [w.liveAnswers, w.abandons, w.withinCap])).toEqual([
      [0, 0, true],
      [0, 0, true],
    ]);
  });

  it('gives the last 24 h per minute of dial time, adding up to the window (what a dialer seeds itself with)', async () => {
    const reply = await h.bus.request(abandonMinutesRpc, { campaignId: day.campaignId, at: iso(120) });
    expect(reply.to).toBe(iso(120));
    expect(reply.from).toBe(new Date(base.getTime() + 120 * 60_000 - 86_400_000).toISOString());
    const starts = reply.minutes.map((m) => Date.parse(m.start));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    for (const start of starts) expect(start % 60_000).toBe(0);
    const sum = (key: 'liveAnswers' | 'abandons' | 'machineDetections') =>
      reply.minutes.reduce((total, m) => total + m[key], 0);
    // The regulator's counts (US: AMD false positives apart), as abandon.windows counts them.
    expect([sum('liveAnswers'), sum('abandons')]).toEqual([5, 3]);
    // K7, the machine hung up on (K8, the known false positive, is not a verdict twice).
    expect(sum('machineDetections')).toBe(1);
    const before = await h.bus.request(abandonMinutesRpc, { campaignId: day.campaignId, at: iso(0) });
    expect(before.minutes).toEqual([]);
    await expect(
      h.bus.request(abandonMinutesRpc, { campaignId: day.campaignId, windowSeconds: 2 * 86_400 }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('compares the campaign with manual dialing of the same attempts', async () => {
    const reply = await h.bus.request(compareManualRpc, {
      campaignId: day.campaignId,
      from: iso(0),
      to: iso(60),
    });
    // Manual: 10 attempts x 6 s + ring 96.5 s + 1 machine x 5 s + 6 people x (120 s talk + 20 s wrap)
    // = 1001.5 s of agent time for 720 s of talk and 6 contacts.
    const agentHours = 1001.5 / 3600;
    expect(reply).toEqual({
      campaign: {
        dials: 10,
        liveAnswers: 5,
        connects: 3,
        abandons: 3,
        abandonRate: close(0.6),
        occupancy: close(360 / 5400),
        talkMinutesPerAgentHour: close(4),
        contactsPerAgentHour: close(2),
      },
      manual: {
        talkMinutesPerAgentHour: close(12 / agentHours),
        contactsPerAgentHour: close(6 / agentHours),
      },
    });
  });

  it('keeps every call record, filtered and paged with a cursor, newest first', async () => {
    const seen: ReportedCall[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await h.bus.request(listCallRecordsRpc, {
        filter: { campaignId: day.campaignId },
        limit: 4,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((c) => c.callId)).toEqual(
      ['K10', 'K9', 'K8', 'K7', 'K6', 'K5', 'K4', 'K3', 'K2', 'K1'].map((k) => day.calls[k]),
    );
    const k1 = seen.find((c) => c.callId === day.calls['K1'])!;
    expect(k1).toMatchObject({
      phone: '+8490000001',
      agentId: day.agents.a1,
      extension: '1001',
      dialedAt: new Date(base.getTime() + 110_000).toISOString(),
      answeredAt: iso(2),
      connectedAt: new Date(base.getTime() + 120_500).toISOString(),
      ringSeconds: 10,
      holdSeconds: 0.5,
      talkSeconds: 120,
      outcome: 'answered',
      ended: true,
      hangupCause: 'NORMAL_CLEARING',
      hangupBy: 'customer',
      recordingPath: '/recordings/k1.wav',
      answerToAgentMs: 500,
      regulatorAbandoned: false,
      dispositionCode: 'SALE',
      sale: true,
      saleValue: 250,
      currency: 'USD',
    });
    expect(seen.find((c) => c.callId === day.calls['K3'])).toMatchObject({
      abandoned: false,
      regulatorAbandoned: true,
    });
    expect(seen.find((c) => c.callId === day.calls['K10'])).toMatchObject({
      ended: false,
      outcome: null,
      phone: '+8490000010',
    });

    const abandonedOfA1 = await h.bus.request(listCallRecordsRpc, {
      filter: { agentId: day.agents.a1, abandoned: true },
    });
    expect(abandonedOfA1.items.map((c) => c.callId)).toEqual([day.calls['K3']]);
    const machines = await h.bus.request(listCallRecordsRpc, {
      filter: { outcomes: ['machine', 'busy'], from: iso(22), to: iso(24) },
      order: 'asc',
    });
    expect(machines.items.map((c) => c.callId)).toEqual([day.calls['K6'], day.calls['K7']]);
    const byNumber = await h.bus.request(listCallRecordsRpc, { filter: { phone: '+8490000012' } });
    expect(byNumber.items.map((c) => c.campaignId)).toEqual([day.otherCampaignId]);
  });

  it('refuses a cursor from another query and a range with too many buckets', async () => {
    const page = await h.bus.request(listCallRecordsRpc, {
      filter: { campaignId: day.campaignId },
      limit: 2,
    });
    await expect(
      h.bus.request(listCallRecordsRpc, { filter: { agentId: day.agents.a1 }, cursor: page.nextCursor! }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(h.bus.request(listCallRecordsRpc, { cursor: 'not-a-cursor' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(
      h.bus.request(queryKpisRpc, { from: iso(0), to: iso(60 * 24 * 30), interval: '15m' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: expect.objectContaining({ reason: 'REPORTING_TOO_MANY_BUCKETS' }),
    });
    await expect(h.bus.request(queryKpisRpc, { from: iso(60), to: iso(0) })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('exports the call records as CSV in chunks that round-trip, formula cells escaped', async () => {
    let csv = '';
    let cursor: string | undefined;
    let chunks = 0;
    do {
      const reply = await h.bus.request(exportCallRecordsRpc, {
        filter: { campaignId: day.campaignId },
        maxRows: 3,
        ...(cursor ? { cursor } : {}),
      });
      expect(reply.rows).toBeLessThanOrEqual(3);
      csv += reply.chunk;
      cursor = reply.nextCursor ?? undefined;
      chunks += 1;
    } while (cursor);
    expect(chunks).toBe(4);
    expect(csv.startsWith(`${CALL_CSV_COLUMNS.map((c) => c.header).join(',')}\r\n`)).toBe(true);

    // Formula cells are written with a leading quote, so a spreadsheet shows them as text.
    expect(csv).toContain(`'${day.nastyCells.recordingPath}`);
    expect(csv).toContain(`'${day.nastyCells.hangupCause}`);
    expect(csv).not.toMatch(/(^|,)[=@]/m);

    const records: string[][] = parse(csv, { relax_column_count: false });
    const [header, ...lines] = records;
    expect(header).toEqual(CALL_CSV_COLUMNS.map((c) => c.header));
    const column = (name: string) => header!.indexOf(name);
    const listed = await h.bus.request(listCallRecordsRpc, {
      filter: { campaignId: day.campaignId },
      order: 'asc',
    });
    expect(lines.map((l) => l[column('call_id')])).toEqual(listed.items.map((c) => c.callId));
    // Every cell reads back as the value listed over NATS (text unescaped, numbers as text).
    for (const [i, line] of lines.entries()) {
      const call = listed.items[i]!;
      for (const [j, definition] of CALL_CSV_COLUMNS.entries()) {
        const value = definition.value(call);
        const cell = definition.verbatim ? line[j]! : unescapeFormula(line[j]!);
        expect([definition.header, cell]).toEqual([
          definition.header,
          value === null || value === undefined ? '' : String(value),
        ]);
      }
    }
    const k7 = lines.find((l) => l[column('call_id')] === day.calls['K7'])!;
    expect(k7[column('hangup_cause')]).toBe(day.nastyCells.commaQuote);
    expect(k7[column('customer_number')]).toBe('+8490000007');
  });

  it('serves Prometheus metrics by campaign, with the abandon rate against the cap', async () => {
    const scrape = await h.scrape();
    const c1 = { campaign_id: day.campaignId };
    expect(sampleValue(scrape, 'autotelesale_reporting_dials_total', c1)).toBe(10);
    expect(sampleValue(scrape, 'autotelesale_reporting_live_answers_total', c1)).toBe(5);
    expect(sampleValue(scrape, 'autotelesale_reporting_connects_total', c1)).toBe(3);
    expect(sampleValue(scrape, 'autotelesale_reporting_abandons_total', c1)).toBe(3);
    expect(sampleValue(scrape, 'autotelesale_reporting_amd_false_positives_total', c1)).toBe(1);
    for (const [outcome, n] of Object.entries({
      answered: 3,
      abandoned: 2,
      machine: 2,
      busy: 1,
      noAnswer: 1,
    })) {
      expect([
        outcome,
        sampleValue(scrape, 'autotelesale_reporting_calls_total', { ...c1, outcome }),
      ]).toEqual([outcome, n]);
    }
    expect(sampleValue(scrape, 'autotelesale_reporting_abandon_ratio', { ...c1, rule: 'US' })).toBeCloseTo(
      0.6,
      9,
    );
    expect(sampleValue(scrape, 'autotelesale_reporting_abandon_ratio', { ...c1, rule: 'UK' })).toBeCloseTo(
      4 / 6,
      9,
    );
    expect(sampleValue(scrape, 'autotelesale_reporting_abandon_cap_ratio', c1)).toBe(0.03);
    expect(sampleValue(scrape, 'autotelesale_reporting_agents', { state: 'logged_out' })).toBe(2);
    expect(sampleValue(scrape, 'autotelesale_reporting_agents', { state: 'ready' })).toBe(0);
    expect(sampleValue(scrape, 'autotelesale_reporting_answer_to_agent_seconds_count', c1)).toBe(3);
    expect(sampleValue(scrape, 'autotelesale_reporting_answer_to_agent_seconds_sum', c1)).toBeCloseTo(4.2, 9);
    expect(
      sampleValue(scrape, 'autotelesale_reporting_answer_to_agent_seconds_bucket', { ...c1, le: '2' }),
    ).toBe(2);
    expect(
      sampleValue(scrape, 'autotelesale_reporting_events_total', { stream: 'calls', result: 'applied' }),
    ).toBe(day.callEvents.length);
    // No phone number, and no call id, in any label.
    expect(scrape).not.toContain('+8490');
    expect(scrape).not.toContain(day.calls['K1']!);
  });

  it('changes nothing when every event is delivered again', async () => {
    const before = await storedState(h);
    const kpisBefore = await campaignKpis(h, day);
    await h.publishCopies(day.scrambled);
    await h.waitUntilCaughtUp();
    expect(await storedState(h)).toEqual(before);
    expect(await campaignKpis(h, day)).toEqual(kpisBefore);
    const scrape = await h.scrape();
    expect(
      sampleValue(scrape, 'autotelesale_reporting_events_total', { stream: 'calls', result: 'replay' }),
    ).toBe(day.callEvents.length);
    expect(sampleValue(scrape, 'autotelesale_reporting_dials_total', { campaign_id: day.campaignId })).toBe(
      10,
    );
  });

  it('changes nothing when its consumers are reset and replay every stream from the start', async () => {
    const before = await storedState(h);
    await h.stop();
    await h.resetConsumers();
    await h.start();
    await h.waitUntilCaughtUp();
    expect(await storedState(h)).toEqual(before);
    const kpis = await campaignKpis(h, day);
    expect(kpis.rows[0]!.kpis).toEqual(C1_KPIS);
    const scrape = await h.scrape();
    // The new process replayed everything (the originals and their copies) and applied nothing.
    expect(
      sampleValue(scrape, 'autotelesale_reporting_events_total', { stream: 'calls', result: 'applied' }),
    ).toBe(undefined);
    expect(
      sampleValue(scrape, 'autotelesale_reporting_events_total', { stream: 'calls', result: 'replay' }),
    ).toBe(2 * day.callEvents.length);
    expect(sampleValue(scrape, 'autotelesale_reporting_dials_total', { campaign_id: day.campaignId })).toBe(
      undefined,
    );
  });
});

describe('reporting through a restart in the middle of the streams', () => {
  let h: ReportingHarness;

  afterAll(async () => {
    await h?.close();
  });

  it('loses nothing and counts nothing twice', async () => {
    h = await startReportingHarness();
    const day = scriptedDay(base);
    const half = Math.floor(day.scrambled.length / 2);
    await h.start();
    await h.publish(day.scrambled.slice(0, half));
    // Stop as soon as something has been applied, while the rest is still arriving.
    await waitFor(async () => {
      const { rows } = await h.pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM processed_message`);
      return rows[0]!.n >= 5;
    });
    await h.stop();
    const { rows } = await h.pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM processed_message`);
    expect(rows[0]!.n).toBeLessThan(day.scrambled.length);
    // The rest is published while the service is down, then once more (a producer's retry).
    await h.publish(day.scrambled.slice(half));
    await h.publishCopies(day.scrambled.slice(half - 5));
    await h.start();
    await h.waitUntilCaughtUp();
    const reply = await campaignKpis(h, day);
    expect(reply.rows.map((r) => r.kpis)).toEqual([C1_KPIS]);
    const { rows: processed } = await h.pg.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM processed_message`,
    );
    expect(processed[0]!.n).toBe(day.scrambled.length);
  });
});
