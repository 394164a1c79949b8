import { decideClearance, startOfLocalDay, startOfNextLocalDay, type ClearanceInput } from './dial-clearance';

const at = (iso: string) => Date.parse(iso);
const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

type Overrides = Partial<Omit<ClearanceInput, 'contact' | 'campaign'>> & {
  contact?: Partial<ClearanceInput['contact']>;
  campaign?: Partial<ClearanceInput['campaign']>;
};

function input(overrides: Overrides = {}): ClearanceInput {
  const { contact, campaign, ...rest } = overrides;
  return {
    // 10:00 in Hanoi.
    at: at('2026-06-01T03:00:00Z'),
    leaseHeld: true,
    dncEntries: [],
    dialsToday: 0,
    ...rest,
    campaign: {
      id: 'c1',
      status: 'running',
      timeZone: 'Europe/Paris',
      timeZonePolicy: 'contact',
      windows: [{ days: [...EVERY_DAY], start: '08:00', end: '21:00' }],
      holidays: null,
      maxDialsPerNumberPerDay: 3,
      maxTotalAttempts: 6,
      ...campaign,
    },
    contact: {
      id: 'k1',
      phone: '+84961166133',
      timeZone: null,
      attempts: 0,
      numberInvalid: false,
      ...contact,
    },
  };
}

describe('decideClearance', () => {
  it('clears a dial that breaks no rule, and records every rule with its inputs', () => {
    const decision = decideClearance(input());
    expect(decision).toMatchObject({ allowed: true, reason: null, final: false, retryAt: null });
    expect(decision.checks.map((c) => c.rule)).toEqual([
      'lease',
      'campaignStatus',
      'invalidNumber',
      'doNotCall',
      'maxAttempts',
      'callingHours',
      'dailyCap',
    ]);
    expect(decision.checks.every((c) => c.passed)).toBe(true);
    const hours = decision.checks.find((c) => c.rule === 'callingHours')!;
    expect(hours.inputs).toMatchObject({ zoneSource: 'country', country: 'VN' });
    expect(JSON.stringify(hours.inputs)).toContain('2026-06-01 mon 10:00');
  });

  it.each([
    ['the lease is gone', input({ leaseHeld: false }), 'leaseNotHeld', false, null],
    ['the campaign is paused', input({ campaign: { status: 'paused' } }), 'campaignNotRunning', false, null],
    [
      'the number was found invalid',
      input({ contact: { numberInvalid: true } }),
      'invalidNumber',
      true,
      null,
    ],
    [
      'the number is on the global list',
      input({ dncEntries: [{ kind: 'global', phone: '+84961166133', campaignId: null, expiresAt: null }] }),
      'doNotCall',
      true,
      null,
    ],
    [
      "the number is on this campaign's list",
      input({ dncEntries: [{ kind: 'campaign', phone: '+84961166133', campaignId: 'c1', expiresAt: null }] }),
      'doNotCall',
      true,
      null,
    ],
    ['the contact used its attempts', input({ contact: { attempts: 6 } }), 'maxAttempts', true, null],
    // 15:00Z is 22:00 in Hanoi (17:00 in Paris, where the campaign sits).
    [
      'it is night where the contact is',
      input({ at: at('2026-06-01T15:00:00Z') }),
      'outsideHours',
      false,
      '2026-06-02T01:00:00.000Z',
    ],
    [
      'the number was dialed 3 times today',
      input({ dialsToday: 3 }),
      'dailyCap',
      false,
      '2026-06-01T17:00:00.000Z',
    ],
  ])('refuses when %s', (_d, given, reason, final, retryAt) => {
    const decision = decideClearance(given);
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toBe(reason);
    expect(decision.final).toBe(final);
    expect(decision.retryAt === null ? null : new Date(decision.retryAt).toISOString()).toBe(retryAt);
    expect(decision.checks.filter((c) => !c.passed).length).toBeGreaterThan(0);
  });

  it('the most serious refusal is the reason, and every failing rule is still recorded', () => {
    const decision = decideClearance(
      input({
        at: at('2026-06-01T15:00:00Z'),
        dncEntries: [{ kind: 'blacklist', phone: '+84961166133', campaignId: null, expiresAt: null }],
        dialsToday: 9,
      }),
    );
    expect(decision.reason).toBe('doNotCall');
    expect(decision.checks.filter((c) => !c.passed).map((c) => c.rule)).toEqual([
      'doNotCall',
      'callingHours',
      'dailyCap',
    ]);
  });

  it('no cap: any number of dials a day', () => {
    expect(
      decideClearance(input({ dialsToday: 50, campaign: { maxDialsPerNumberPerDay: null } })).allowed,
    ).toBe(true);
  });

  it("the campaign's holidays are checked on the contact's date", () => {
    const decision = decideClearance(input({ campaign: { holidays: { dates: ['2026-06-01'] } } }));
    expect(decision.reason).toBe('outsideHours');
    expect(new Date(decision.retryAt!).toISOString()).toBe('2026-06-02T01:00:00.000Z');
  });

  it('an ambiguous number is refused until every zone it may be in is open', () => {
    // A US number with an area code the plan table does not pin; 13:00Z is 09:00 New York, 03:00 Honolulu.
    const decision = decideClearance(
      input({ at: at('2026-06-01T13:00:00Z'), contact: { phone: '+12015550123' } }),
    );
    expect(decision.reason).toBe('outsideHours');
    const hours = decision.checks.find((c) => c.rule === 'callingHours')!;
    expect(hours.inputs).toMatchObject({ ambiguous: true, zoneSource: 'country' });
    // 08:00 in Honolulu is 18:00Z.
    expect(new Date(decision.retryAt!).toISOString()).toBe('2026-06-01T18:00:00.000Z');
  });
});

describe('local day', () => {
  it.each([
    ['Asia/Ho_Chi_Minh', '2026-06-01T03:00:00Z', '2026-05-31T17:00:00.000Z', '2026-06-01T17:00:00.000Z'],
    // The spring-forward day in New York is 23 hours long.
    ['America/New_York', '2026-03-08T15:00:00Z', '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z'],
  ])('%s at %s: day from %s to %s', (zone, instant, start, next) => {
    expect(new Date(startOfLocalDay(zone, at(instant))).toISOString()).toBe(start);
    expect(new Date(startOfNextLocalDay(zone, at(instant))).toISOString()).toBe(next);
  });
});
