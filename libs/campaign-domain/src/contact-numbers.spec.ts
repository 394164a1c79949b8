import { CAMPAIGN_DEFAULTS, type ContactOutcome } from '@autotelesale/contracts';
import { contactNumbers, nextNumberAfterOutcome } from './contact-numbers';
import { decideAfterOutcome } from './contact-decisions';

describe('nextNumberAfterOutcome', () => {
  type Row = [string, ContactOutcome, number, number, number[], number | null, boolean];
  // name, outcome, count, dialed, dead before, next, another alive
  const rows: Row[] = [
    ['one number, no answer: the same number again', 'noAnswer', 1, 0, [], 0, false],
    ['no answer moves to the next number', 'noAnswer', 3, 0, [], 1, true],
    ['busy moves on', 'busy', 3, 1, [], 2, true],
    ['a network failure moves on, wrapping to the main number', 'failed', 3, 2, [], 0, true],
    ['a machine stays on the same number', 'machine', 3, 1, [], 1, true],
    ['an abandon stays on the same number', 'abandoned', 3, 1, [], 1, true],
    ['an answer stays on the same number', 'answered', 2, 1, [], 1, true],
    ['a dead number on the way is skipped', 'noAnswer', 3, 0, [1], 2, true],
    ['invalid retires the dialed number and moves on', 'invalidNumber', 3, 0, [], 1, true],
    ['invalid skips numbers already dead', 'invalidNumber', 3, 0, [1], 2, true],
    ['invalid on the last live number: nothing left', 'invalidNumber', 3, 2, [0, 1], null, false],
    ['do-not-call at dial time moves on like invalid', 'doNotCall', 2, 0, [], 1, true],
    ['do-not-call on a single number: nothing left', 'doNotCall', 1, 0, [], null, false],
    ['busy on the only live number stays on it', 'busy', 3, 1, [0, 2], 1, false],
    ['a machine on a number dead meanwhile: the next alive one', 'machine', 3, 1, [1], 2, true],
  ];
  it.each(rows)('%s', (_name, outcome, count, dialedIndex, dead, next, otherAlive) => {
    expect(nextNumberAfterOutcome({ outcome, count, dialedIndex, dead: new Set(dead) })).toEqual({
      next,
      otherAlive,
    });
  });
});

describe('decideAfterOutcome with alternate numbers', () => {
  const now = new Date('2026-11-23T03:00:00Z');
  const rules = { ...CAMPAIGN_DEFAULTS.retryRules, maxTotalAttempts: 3 };
  const after = (outcome: ContactOutcome, attempts: number, otherNumberAlive: boolean, wasCallback = false) =>
    decideAfterOutcome({ outcome, attempts, outcomeCount: 1, rules, now, wasCallback, otherNumberAlive });

  it.each([
    ['invalidNumber', 1, true, { status: 'pending', dueAt: now, callback: false }],
    ['doNotCall', 1, true, { status: 'pending', dueAt: now, callback: false }],
    ['invalidNumber', 1, false, { status: 'done', finalReason: 'invalidNumber' }],
    ['doNotCall', 2, false, { status: 'done', finalReason: 'doNotCall' }],
    ['invalidNumber', 3, true, { status: 'done', finalReason: 'maxAttempts' }],
    ['answered', 1, true, { status: 'done', finalReason: 'answered' }],
  ] as const)('%s after %i attempts, another number alive %s', (outcome, attempts, alive, expected) => {
    expect(after(outcome, attempts, alive)).toEqual(expected);
  });

  it('keeps a callback in its lane when it moves to the next number', () => {
    expect(after('invalidNumber', 1, true, true)).toMatchObject({ status: 'pending', callback: true });
  });
});

describe('contactNumbers', () => {
  it('lists the main number first, then the alternates', () => {
    expect(contactNumbers({ phone: '+1', alternatePhones: ['+2', '+3'] })).toEqual(['+1', '+2', '+3']);
    expect(contactNumbers({ phone: '+1' })).toEqual(['+1']);
  });
});
