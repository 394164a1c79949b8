import { abandonWindow } from './abandon-windows';
import { formatManualComparison } from './format-comparison';
import { attributeAgentTime, rowKey, type AgentStateSeconds } from './agent-time';
import { computeKpis, NO_CALLS } from './compute-kpis';
import { estimateManualDialing } from './manual-baseline';

describe('computeKpis', () => {
  it('is all zeros with no activity (no division by zero)', () => {
    const k = computeKpis();
    expect(Object.values(k).filter((v) => typeof v === 'number' && v !== 0)).toEqual([]);
  });

  it('computes the ratios from calls, agent time and sales', () => {
    const k = computeKpis(
      {
        ...NO_CALLS,
        dials: 40,
        liveAnswers: 10,
        connects: 9,
        abandons: 1,
        amdFalsePositives: 2,
        holdSecondsSum: 5,
        holdCount: 10,
        talkSecondsSum: 900,
        talkCount: 9,
        answerToAgentP50Ms: 100,
        answerToAgentP99Ms: 900,
      },
      { loggedInSeconds: 7200, talkSeconds: 2700, wrapUpSeconds: 270 },
      { sales: 3, saleValueByCurrency: { USD: 100, VND: 50 } },
    );
    expect(k).toMatchObject({
      abandonRate: 0.1,
      abandonRateUk: 3 / 12,
      occupancy: 0.375,
      talkMinutesPerAgentHour: 22.5,
      contactsPerAgentHour: 4.5,
      averageHandleSeconds: 330,
      averageHoldSeconds: 0.5,
      averageTalkSeconds: 100,
      conversionRate: 3 / 9,
      saleValue: 150,
    });
  });
});

describe('attributeAgentTime', () => {
  const row = (
    agentId: string,
    state: AgentStateSeconds['state'],
    seconds: number,
    campaignId: string | null = null,
  ) => ({
    bucketStartMs: 0,
    agentId,
    campaignId,
    state,
    seconds,
  });
  const rows: AgentStateSeconds[] = [
    row('a1', 'ready', 600),
    row('a1', 'on_call', 300, 'c1'),
    row('a1', 'wrap_up', 60, 'c1'),
    row('a1', 'logged_out', 1000),
    row('a2', 'not_ready', 100),
    row('a2', 'on_call', 200, 'c2'),
    row('a3', 'ready', 900),
  ];

  it('gives each agent their own time, logged out left out', () => {
    const byAgent = attributeAgentTime(rows, 'agent');
    expect(byAgent.get(rowKey('a1', 0))).toEqual({
      loggedInSeconds: 960,
      talkSeconds: 300,
      wrapUpSeconds: 60,
    });
    expect(byAgent.get(rowKey('a3', 0))).toEqual({ loggedInSeconds: 900, talkSeconds: 0, wrapUpSeconds: 0 });
  });

  it("gives a campaign the whole logged-in time of the agents who worked it, and only its own calls' time", () => {
    const byCampaign = attributeAgentTime(rows, 'campaign');
    expect(byCampaign.get(rowKey('c1', 0))).toEqual({
      loggedInSeconds: 960,
      talkSeconds: 300,
      wrapUpSeconds: 60,
    });
    expect(byCampaign.get(rowKey('c2', 0))).toEqual({
      loggedInSeconds: 300,
      talkSeconds: 200,
      wrapUpSeconds: 0,
    });
    expect(attributeAgentTime(rows, 'campaign', new Set(['c2'])).has(rowKey('c1', 0))).toBe(false);
  });

  it('adds everyone up with `none`', () => {
    expect(attributeAgentTime(rows, 'none').get(rowKey('*', 0))).toEqual({
      loggedInSeconds: 2160,
      talkSeconds: 500,
      wrapUpSeconds: 60,
    });
  });
});

describe('abandonWindow', () => {
  const at = new Date('2026-11-23T00:00:00Z');

  it('counts AMD false positives under the UK rule only', () => {
    const counts = {
      liveAnswers: 100,
      abandons: 2,
      amdFalsePositives: 2,
      machineVerdicts: 0,
      amdFalsePositivesEstimated: 0,
    };
    expect(abandonWindow('US', at, counts, 0.03)).toMatchObject({
      from: '2026-10-24T00:00:00.000Z',
      liveAnswers: 100,
      abandons: 2,
      rate: 0.02,
      withinCap: true,
      abandonsLeft: 1,
    });
    expect(abandonWindow('UK', at, counts, 0.03)).toMatchObject({
      from: '2026-11-22T00:00:00.000Z',
      liveAnswers: 102,
      abandons: 4,
      withinCap: false,
      abandonsLeft: -1,
    });
  });

  it('is within the cap exactly at the cap', () => {
    expect(
      abandonWindow(
        'US',
        at,
        {
          liveAnswers: 100,
          abandons: 3,
          amdFalsePositives: 0,
          machineVerdicts: 0,
          amdFalsePositivesEstimated: 0,
        },
        0.03,
      ).withinCap,
    ).toBe(true);
  });
});

describe('estimateManualDialing', () => {
  it('charges every attempt its dialing and ringing, every person a whole conversation', () => {
    const estimate = estimateManualDialing(
      {
        attempts: 100,
        ringSecondsSum: 1500,
        peopleAnswered: 25,
        machines: 10,
        meanTalkSeconds: 120,
        meanWrapUpSeconds: 15,
      },
      { dialOverheadSeconds: 6, machineListenSeconds: 5 },
    );
    // 600 + 1500 + 50 + 25 x 135 = 5525 s for 3000 s of talk.
    expect(estimate.agentSeconds).toBe(5525);
    expect(estimate.talkMinutesPerAgentHour).toBeCloseTo(50 / (5525 / 3600), 9);
    expect(estimate.contactsPerAgentHour).toBeCloseTo(25 / (5525 / 3600), 9);
  });
});

describe('formatManualComparison', () => {
  it('prints the campaign beside manual dialing and the gain', () => {
    const text = formatManualComparison({
      campaign: {
        dials: 1200,
        liveAnswers: 300,
        connects: 295,
        abandons: 5,
        abandonRate: 5 / 300,
        occupancy: 0.78,
        talkMinutesPerAgentHour: 46.8,
        contactsPerAgentHour: 20.3,
      },
      manual: { talkMinutesPerAgentHour: 18.72, contactsPerAgentHour: 8.1 },
    });
    expect(text.split('\n')).toEqual([
      'KPI                          campaign  manual (same list)',
      'dials                            1200',
      'live answers                      300',
      'connects                          295',
      'abandons                            5',
      'abandon rate                    1.7 %',
      'occupancy                      78.0 %',
      'talk minutes per agent-hour      46.8                18.7',
      'contacts per agent-hour          20.3                 8.1',
      'talk time per agent-hour: 2.50x manual',
    ]);
  });
});
