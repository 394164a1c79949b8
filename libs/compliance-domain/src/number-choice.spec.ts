import { decideClearance, type ClearanceDecision, type RefusalReason } from './dial-clearance';
import { chooseNumberToDial, rotation } from './number-choice';

const EVERY_DAY = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
// 10:00 in Hanoi, 05:00 in Paris, 23:00 (the day before) in New York.
const AT = Date.parse('2026-06-01T03:00:00Z');
const VN = '+84961166133';
const VN2 = '+84912345678';
const FR = '+33612345678';
const US = '+12125551234';

/** What each number is, as the facts the service reads would say. */
type NumberState = 'ok' | 'invalid' | 'dnc' | 'capped';

function decideWith(
  states: Record<string, NumberState>,
  extra: { attempts?: number; leaseHeld?: boolean } = {},
) {
  return (phone: string): ClearanceDecision => {
    const state = states[phone] ?? 'ok';
    return decideClearance({
      at: AT,
      leaseHeld: extra.leaseHeld ?? true,
      campaign: {
        id: 'c1',
        status: 'running',
        timeZone: 'Asia/Ho_Chi_Minh',
        timeZonePolicy: 'contact',
        windows: [{ days: [...EVERY_DAY], start: '08:00', end: '21:00' }],
        holidays: null,
        maxDialsPerNumberPerDay: 2,
        maxTotalAttempts: 5,
      },
      contact: {
        id: 'k1',
        phone,
        timeZone: null,
        attempts: extra.attempts ?? 0,
        numberInvalid: state === 'invalid',
      },
      dncEntries: state === 'dnc' ? [{ kind: 'global', phone, campaignId: null, expiresAt: null }] : [],
      dialsToday: state === 'capped' ? 2 : 0,
    });
  };
}

describe('rotation', () => {
  it.each([
    [1, 0, [0]],
    [3, 0, [0, 1, 2]],
    [3, 1, [1, 2, 0]],
    [3, 2, [2, 0, 1]],
    [3, 3, [0, 1, 2]],
    [3, 7, [1, 2, 0]],
    [0, 0, []],
  ])('%i numbers from cursor %i: %j', (count, cursor, expected) => {
    expect(rotation(count, cursor)).toEqual(expected);
  });
});

describe('chooseNumberToDial', () => {
  type Row = {
    name: string;
    numbers: string[];
    cursor: number;
    states: Record<string, NumberState>;
    extra?: { attempts?: number; leaseHeld?: boolean };
    dial?: number;
    skipped?: number[];
    refused?: { reason: RefusalReason; final: boolean; deciding: number; tried: number[]; retry?: boolean };
  };
  const rows: Row[] = [
    { name: 'one number, allowed', numbers: [VN], cursor: 0, states: {}, dial: 0, skipped: [] },
    {
      name: 'the cursor picks the alternate',
      numbers: [VN, VN2],
      cursor: 1,
      states: {},
      dial: 1,
      skipped: [],
    },
    { name: 'a cursor past the end wraps', numbers: [VN, VN2], cursor: 2, states: {}, dial: 0, skipped: [] },
    {
      name: 'an invalid main number is skipped for the alternate',
      numbers: [VN, VN2],
      cursor: 0,
      states: { [VN]: 'invalid' },
      dial: 1,
      skipped: [0],
    },
    {
      name: 'a listed alternate is skipped, the round wraps to the main number',
      numbers: [VN, VN2],
      cursor: 1,
      states: { [VN2]: 'dnc' },
      dial: 0,
      skipped: [1],
    },
    {
      name: 'a number outside the hours of its zone (Paris at 05:00) gives way to one inside (Hanoi)',
      numbers: [FR, VN],
      cursor: 0,
      states: {},
      dial: 1,
      skipped: [0],
    },
    {
      name: 'a number over its daily cap gives way to the next',
      numbers: [VN, VN2],
      cursor: 0,
      states: { [VN]: 'capped' },
      dial: 1,
      skipped: [0],
    },
    {
      name: 'one dead number: final',
      numbers: [VN],
      cursor: 0,
      states: { [VN]: 'invalid' },
      refused: { reason: 'invalidNumber', final: true, deciding: 0, tried: [0] },
    },
    {
      name: 'every number dead, one listed: final, do-not-call decides',
      numbers: [VN, VN2, FR],
      cursor: 0,
      states: { [VN]: 'invalid', [VN2]: 'dnc', [FR]: 'invalid' },
      refused: { reason: 'doNotCall', final: true, deciding: 1, tried: [0, 1, 2] },
    },
    {
      name: 'dead and out of hours: waits for the earliest opening',
      numbers: [VN, FR, US],
      cursor: 0,
      states: { [VN]: 'dnc' },
      // Paris opens at 06:00Z, New York at 12:00Z.
      refused: { reason: 'outsideHours', final: false, deciding: 1, tried: [0, 1, 2], retry: true },
    },
    {
      name: 'dead and capped: not final, due when the cap resets',
      numbers: [VN, VN2],
      cursor: 0,
      states: { [VN]: 'invalid', [VN2]: 'capped' },
      refused: { reason: 'dailyCap', final: false, deciding: 1, tried: [0, 1], retry: true },
    },
    {
      name: 'attempts used up: final for the whole contact, the other numbers not tried',
      numbers: [VN, VN2],
      cursor: 0,
      states: {},
      extra: { attempts: 5 },
      refused: { reason: 'maxAttempts', final: true, deciding: 0, tried: [0] },
    },
    {
      name: 'lease lost: refused, not final',
      numbers: [VN, VN2],
      cursor: 1,
      states: {},
      extra: { leaseHeld: false },
      refused: { reason: 'leaseNotHeld', final: false, deciding: 1, tried: [1] },
    },
  ];

  it.each(rows)('$name', (row) => {
    const choice = chooseNumberToDial(row.numbers, row.cursor, decideWith(row.states, row.extra));
    if (row.dial !== undefined) {
      expect(choice.kind).toBe('dial');
      if (choice.kind !== 'dial') return;
      expect(choice.number.index).toBe(row.dial);
      expect(choice.number.phone).toBe(row.numbers[row.dial]);
      expect(choice.skipped.map((s) => s.index)).toEqual(row.skipped);
      expect(choice.skipped.every((s) => !s.decision.allowed)).toBe(true);
    } else {
      expect(choice.kind).toBe('refused');
      if (choice.kind !== 'refused') return;
      expect(choice).toMatchObject({ reason: row.refused!.reason, final: row.refused!.final });
      expect(choice.deciding.index).toBe(row.refused!.deciding);
      expect(choice.refused.map((r) => r.index)).toEqual(row.refused!.tried);
      if (row.refused!.retry) expect(choice.retryAt).toBe(choice.deciding.decision.retryAt);
      else expect(choice.retryAt).toBeNull();
    }
  });

  it('waits for the earliest of the numbers that pass with time', () => {
    const choice = chooseNumberToDial([US, FR], 0, decideWith({}));
    expect(choice.kind).toBe('refused');
    if (choice.kind !== 'refused') return;
    expect(new Date(choice.retryAt!).toISOString()).toBe('2026-06-01T06:00:00.000Z');
    expect(choice.deciding.phone).toBe(FR);
  });

  it('refuses a contact without numbers', () => {
    expect(() => chooseNumberToDial([], 0, decideWith({}))).toThrow(RangeError);
  });
});
