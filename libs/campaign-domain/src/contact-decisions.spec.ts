import { CAMPAIGN_DEFAULTS, type ContactOutcome, type DispositionCode } from '@autotelesale/contracts';
import { decideAfterDisposition, decideAfterOutcome } from './contact-decisions';

const now = new Date('2026-11-23T03:00:00Z');
const rules = {
  ...CAMPAIGN_DEFAULTS.retryRules,
  busy: { delaySeconds: 600, maxAttempts: 3 },
  noAnswer: { delaySeconds: 3600, maxAttempts: 2 },
  maxTotalAttempts: 4,
};
const after = (outcome: ContactOutcome, attempts: number, outcomeCount: number, wasCallback = false) =>
  decideAfterOutcome({ outcome, attempts, outcomeCount, rules, now, wasCallback });

describe('decideAfterOutcome', () => {
  it('finishes on answered, invalid number and do-not-call', () => {
    expect(after('answered', 1, 1)).toEqual({ status: 'done', finalReason: 'answered' });
    expect(after('invalidNumber', 1, 1)).toEqual({ status: 'done', finalReason: 'invalidNumber' });
    expect(after('doNotCall', 1, 1)).toEqual({ status: 'done', finalReason: 'doNotCall' });
  });

  it('puts a skipped preview back after the skip delay, whatever the attempts spent, a callback still a callback', () => {
    expect(after('skipped', 4, 9)).toEqual({ status: 'pending', dueAt: now, callback: false });
    expect(
      decideAfterOutcome({
        outcome: 'skipped',
        attempts: 1,
        outcomeCount: 1,
        rules: { ...rules, skippedDelaySeconds: 900 },
        now,
        wasCallback: true,
      }),
    ).toEqual({ status: 'pending', dueAt: new Date(now.getTime() + 900_000), callback: true });
  });

  it('retries busy after its delay until its maximum', () => {
    expect(after('busy', 1, 1)).toEqual({
      status: 'pending',
      dueAt: new Date(now.getTime() + 600_000),
      callback: false,
    });
    expect(after('busy', 2, 2)).toMatchObject({ status: 'pending' });
    expect(after('busy', 3, 3)).toEqual({ status: 'done', finalReason: 'maxAttempts' });
  });

  it('stops at the contact total even when each outcome has attempts left', () => {
    expect(after('noAnswer', 3, 1)).toMatchObject({ status: 'pending' });
    expect(after('noAnswer', 4, 1)).toEqual({ status: 'done', finalReason: 'maxAttempts' });
  });

  it('keeps a callback a callback when it is retried', () => {
    expect(after('busy', 1, 1, true)).toMatchObject({ status: 'pending', callback: true });
  });

  it.each(['machine', 'failed', 'abandoned'] as const)('retries %s with its own rule', (outcome) => {
    expect(after(outcome, 1, 1)).toEqual({
      status: 'pending',
      dueAt: new Date(now.getTime() + rules[outcome].delaySeconds * 1000),
      callback: false,
    });
  });
});

describe('decideAfterDisposition', () => {
  const code = (c: Partial<DispositionCode>): DispositionCode => ({
    code: 'X',
    label: 'x',
    final: false,
    sale: false,
    callback: false,
    ...c,
  });
  const context = { callbackAt: null, attempts: 1, rules, now };

  it('finishes on a final code', () => {
    expect(decideAfterDisposition(code({ final: true }), context)).toEqual({
      status: 'done',
      finalReason: 'disposition',
    });
  });

  it('makes a callback due at its time', () => {
    const at = new Date('2026-11-23T08:00:00Z');
    expect(decideAfterDisposition(code({ callback: true }), { ...context, callbackAt: at })).toEqual({
      status: 'pending',
      dueAt: at,
      callback: true,
    });
  });

  it('dials a non-final code again after its delay (1 day by default), within the attempts', () => {
    expect(decideAfterDisposition(code({ retryDelaySeconds: 60 }), context)).toEqual({
      status: 'pending',
      dueAt: new Date(now.getTime() + 60_000),
      callback: false,
    });
    expect(decideAfterDisposition(code({}), context)).toMatchObject({
      dueAt: new Date(now.getTime() + 86_400_000),
    });
    expect(decideAfterDisposition(code({}), { ...context, attempts: 4 })).toEqual({
      status: 'done',
      finalReason: 'maxAttempts',
    });
  });
});
