import { queryKpisRpc, type Kpis } from '@autotelesale/contracts';
import { sampleValue, startReportingHarness, type ReportingHarness } from '../../test/reporting-harness';
import { scriptedDay, type ScriptedDay } from '../../test/scripted-day';

/**
 * The KPI gauges (handle and hold time, per agent-hour rates, conversion, sales) on real
 * NATS and PostgreSQL: the scripted hour of test/scripted-day.ts, two hours ago, so inside
 * the gauges' last 24 h. The figures by hand are those of src/reporting.int-spec.ts.
 */
const base = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000);

/** Gauge name -> the KPI it shows, and campaign C1's figure worked out by hand. */
const GAUGES: Array<[string, keyof Kpis, number]> = [
  // (360 s talk + 60 s wrap-up) / 3 connects
  ['autotelesale_reporting_average_handle_seconds', 'averageHandleSeconds', 140],
  // (0.5 + 1.2 + 2.5 + 2 + 1) / 5 ended live answers
  ['autotelesale_reporting_average_hold_seconds', 'averageHoldSeconds', 1.44],
  // 6 talk minutes / 1.5 agent-hours
  ['autotelesale_reporting_talk_minutes_per_agent_hour', 'talkMinutesPerAgentHour', 4],
  // 3 connects / 1.5 agent-hours
  ['autotelesale_reporting_contacts_per_agent_hour', 'contactsPerAgentHour', 2],
  // 2 sales of 3 connects
  ['autotelesale_reporting_conversion_ratio', 'conversionRate', 2 / 3],
  ['autotelesale_reporting_sales', 'sales', 2],
  // 250 + 100 USD
  ['autotelesale_reporting_sale_value', 'saleValue', 350],
];

describe('KPI gauges per campaign', () => {
  let h: ReportingHarness;
  let day: ScriptedDay;

  beforeAll(async () => {
    h = await startReportingHarness();
    day = scriptedDay(base);
    await h.publish(day.scrambled);
    await h.start();
    await h.waitUntilCaughtUp();
  });

  afterAll(async () => {
    await h?.close();
  });

  it("gives each active campaign's handle time, hold, rates per agent-hour, conversion and sales", async () => {
    const scrape = await h.scrape();
    for (const [name, , expected] of GAUGES) {
      expect([name, sampleValue(scrape, name, { campaign_id: day.campaignId })]).toEqual([
        name,
        expect.closeTo(expected, 9),
      ]);
      // C2 placed one unanswered call: no connects, no sales, every ratio 0.
      expect([name, sampleValue(scrape, name, { campaign_id: day.otherCampaignId })]).toEqual([name, 0]);
    }
  });

  it('shows what GET /reports/kpis answers for the last 24 hours', async () => {
    const now = Date.now();
    const [scrape, reply] = await Promise.all([
      h.scrape(),
      h.bus.request(queryKpisRpc, {
        from: new Date(now - 86_400_000).toISOString(),
        to: new Date(now).toISOString(),
        groupBy: 'campaign',
        campaignIds: [day.campaignId, day.otherCampaignId],
      }),
    ]);
    expect(reply.rows).toHaveLength(2);
    for (const row of reply.rows)
      for (const [name, kpi] of GAUGES)
        expect([name, sampleValue(scrape, name, { campaign_id: row.campaignId! })]).toEqual([
          name,
          expect.closeTo(row.kpis[kpi] as number, 9),
        ]);
  });

  it('labels them by campaign only: never by agent, so the series stay bounded', async () => {
    const scrape = await h.scrape();
    for (const [name] of GAUGES) {
      const samples = scrape.split('\n').filter((line) => line.startsWith(`${name}{`));
      // One series per active campaign (C1 and C2), whatever the number of agents.
      expect([name, samples.length]).toEqual([name, 2]);
      for (const sample of samples) {
        const labels = [...sample.matchAll(/([a-z_]+)="/g)].map((m) => m[1]);
        expect(labels).toContain('campaign_id');
        expect(labels.filter((l) => l!.includes('agent'))).toEqual([]);
      }
    }
    expect(scrape).not.toContain(day.agents.a1);
  });
});
