import { parseDemoArgs, DEFAULT_OPTIONS, UsageError } from './options';
import { perSimulatedHour } from './result';
import { contactsCsv } from './scenario';
import { pickDisposition, seededRandom } from './agent-simulator';

describe('the demo command line', () => {
  it('defaults to 3 minutes, 3,000 contacts and 10 agents', () => {
    expect(parseDemoArgs([])).toEqual(DEFAULT_OPTIONS);
    expect(DEFAULT_OPTIONS).toMatchObject({
      minutes: 3,
      contacts: 3_000,
      agents: 10,
      json: null,
      minAdvantage: 1,
    });
  });

  it('reads --minutes, --contacts, --json (both spellings)', () => {
    expect(
      parseDemoArgs(['--minutes', '0.5', '--contacts=200', '--json', 'out.json', '--keep']),
    ).toMatchObject({
      minutes: 0.5,
      contacts: 200,
      json: 'out.json',
      keep: true,
    });
  });

  it('takes a fixed dial ratio instead of the forecast pacer', () => {
    expect(parseDemoArgs([]).ratio).toBeNull();
    expect(parseDemoArgs(['--ratio', '2']).ratio).toBe(2);
  });

  it.each([
    [['--minutes'], /needs a value/],
    [['--contacts', '12.5'], /integer/],
    [['--time-scale', '3'], /from 0.005 to 1/],
    [['--verbose'], /unknown option/],
  ])('refuses %p', (argv, message) => {
    expect(() => parseDemoArgs(argv)).toThrow(UsageError);
    expect(() => parseDemoArgs(argv)).toThrow(message);
  });
});

describe('the generated list', () => {
  it('has a header and that many distinct Vietnamese mobile numbers', () => {
    const lines = contactsCsv(5_000, 7).trim().split('\n');
    expect(lines[0]).toBe('phone,name');
    const phones = lines.slice(1).map((l) => l.split(',')[0]!);
    expect(phones).toHaveLength(5_000);
    expect(new Set(phones).size).toBe(5_000);
    expect(phones.every((p) => /^096\d{7}$/.test(p))).toBe(true);
  });
});

describe('the agents', () => {
  it('dispositions are repeatable for a seed and mostly not sales', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const codes = Array.from({ length: 1_000 }, () => pickDisposition(a).code);
    expect(Array.from({ length: 1_000 }, () => pickDisposition(b).code)).toEqual(codes);
    const sales = codes.filter((c) => c === 'SALE').length;
    expect(sales).toBeGreaterThan(60);
    expect(sales).toBeLessThan(200);
  });
});

describe('the --json figures', () => {
  it('keeps ratios and counts, and gives contacts per simulated agent-hour on both sides', () => {
    const result = perSimulatedHour(
      {
        campaign: {
          dials: 100,
          liveAnswers: 50,
          connects: 49,
          abandons: 1,
          abandonRate: 0.02,
          occupancy: 0.8,
          talkMinutesPerAgentHour: 48,
          contactsPerAgentHour: 600,
        },
        manual: { talkMinutesPerAgentHour: 25, contactsPerAgentHour: 300 },
      },
      0.05,
    );
    expect(result).toEqual({
      campaign: {
        dials: 100,
        liveAnswers: 50,
        connects: 49,
        abandons: 1,
        abandonRate: 0.02,
        occupancy: 0.8,
        talkMinutesPerAgentHour: 48,
        contactsPerAgentHour: 30,
      },
      manual: { talkMinutesPerAgentHour: 25, contactsPerAgentHour: 15 },
    });
  });
});
