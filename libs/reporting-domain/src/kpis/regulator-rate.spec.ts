import { abandonRate, AbandonWindowCounter } from '@autotelesale/compliance-domain';
import { abandonWindow } from './abandon-windows';
import { computeKpis, NO_CALLS } from './compute-kpis';
import { regulatorAbandonRate, type RegulatorCounts } from './regulator-rate';

const counts = (patch: Partial<RegulatorCounts>): RegulatorCounts => ({
  liveAnswers: 0,
  abandons: 0,
  amdFalsePositives: 0,
  machineVerdicts: 0,
  amdFalsePositivesEstimated: 0,
  ...patch,
});

describe('regulatorAbandonRate: the UK estimate of AMD false positives', () => {
  // 200 people answered, 4 abandoned; 50 machine verdicts hung up on.
  it.each([
    [
      'US rule: no estimate, whatever the rate',
      'US',
      counts({ liveAnswers: 200, abandons: 4, machineVerdicts: 50, amdFalsePositivesEstimated: 5 }),
      4 / 200,
    ],
    [
      'UK rule: 50 verdicts x 10 % = 5 people dropped',
      'UK',
      counts({ liveAnswers: 200, abandons: 4, machineVerdicts: 50, amdFalsePositivesEstimated: 5 }),
      9 / 205,
    ],
    [
      'UK rule, false-positive rate 0: no estimate',
      'UK',
      counts({ liveAnswers: 200, abandons: 4, machineVerdicts: 50, amdFalsePositivesEstimated: 0 }),
      4 / 200,
    ],
    ['UK rule, no verdicts: no estimate', 'UK', counts({ liveAnswers: 200, abandons: 4 }), 4 / 200],
    [
      'UK rule with known false positives too',
      'UK',
      counts({
        liveAnswers: 200,
        abandons: 4,
        amdFalsePositives: 2,
        machineVerdicts: 50,
        amdFalsePositivesEstimated: 5,
      }),
      11 / 207,
    ],
    [
      'US rule leaves known false positives out',
      'US',
      counts({ liveAnswers: 200, abandons: 4, amdFalsePositives: 2 }),
      4 / 200,
    ],
    [
      'UK rule, nothing but machines hung up on: every estimated person abandoned',
      'UK',
      counts({ machineVerdicts: 10, amdFalsePositivesEstimated: 1 }),
      1,
    ],
    ['nothing at all: 0, not NaN', 'UK', counts({}), 0],
  ] as const)('%s', (_label, rule, c, expected) => {
    expect(regulatorAbandonRate(rule, c)).toBeCloseTo(expected, 12);
  });

  it("is the dialer's throttle rate for the same calls (libs/compliance-domain, one formula)", () => {
    // The dialer's window: facts as it saw them, its campaign's rate.
    const window = new AbandonWindowCounter(24 * 3_600_000);
    for (let i = 0; i < 180; i++) window.record(i, 'liveAnswered');
    for (let i = 0; i < 7; i++) window.record(i, 'abandoned');
    for (let i = 0; i < 37; i++) window.record(i, 'machineDetected');
    const dialer = abandonRate(window.window(1_000, 0.08));
    // Reporting: the same calls, each machine verdict carrying 0.08.
    const reporting = regulatorAbandonRate(
      'UK',
      counts({ liveAnswers: 180, abandons: 7, machineVerdicts: 37, amdFalsePositivesEstimated: 37 * 0.08 }),
    );
    expect(reporting).toBeCloseTo(dialer, 12);
  });

  it('shows the estimate as its own KPI and puts it in the UK rate only', () => {
    const k = computeKpis({
      ...NO_CALLS,
      dials: 400,
      liveAnswers: 200,
      abandons: 4,
      amdFalsePositives: 1,
      machineVerdicts: 50,
      amdFalsePositivesEstimated: 5,
    });
    expect(k).toMatchObject({
      liveAnswers: 200,
      abandons: 4,
      abandonRate: 4 / 200,
      amdFalsePositives: 1,
      machineVerdicts: 50,
      amdFalsePositivesEstimated: 5,
    });
    expect(k.abandonRateUk).toBeCloseTo(10 / 206, 12);
  });

  it('gives the UK window the estimate as its own figure, in the rate and the abandons left', () => {
    const at = new Date('2026-11-23T00:00:00Z');
    const c = counts({ liveAnswers: 300, abandons: 2, machineVerdicts: 40, amdFalsePositivesEstimated: 4 });
    const uk = abandonWindow('UK', at, c, 0.03);
    expect(uk).toMatchObject({
      liveAnswers: 300,
      abandons: 2,
      machineVerdicts: 40,
      amdFalsePositivesEstimated: 4,
      withinCap: true,
      // 3 % of (300 + 4) = 9.12 -> 9 abandons in all, 2 + 4 estimated are in: 3 left.
      abandonsLeft: 3,
    });
    expect(uk.rate).toBeCloseTo(6 / 304, 12);
    const us = abandonWindow('US', at, c, 0.03);
    expect(us).toMatchObject({ machineVerdicts: 0, amdFalsePositivesEstimated: 0, abandonsLeft: 7 });
    expect(us.rate).toBeCloseTo(2 / 300, 12);
    // A 10 % estimate on many verdicts breaks the cap the counted abandons alone keep.
    const over = abandonWindow(
      'UK',
      at,
      { ...c, machineVerdicts: 100, amdFalsePositivesEstimated: 10 },
      0.03,
    );
    expect(over).toMatchObject({ withinCap: false, abandonsLeft: -3 });
  });
});
