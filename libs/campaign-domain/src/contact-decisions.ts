import type { ContactOutcome, DispositionCode, FinalReason, RetryRules } from '@autotelesale/contracts';

/** What happens to a contact after an attempt or a disposition. */
export type ContactDecision =
  { status: 'pending'; dueAt: Date; callback: boolean } | { status: 'done'; finalReason: FinalReason };

const RETRYABLE: Partial<
  Record<ContactOutcome, keyof Omit<RetryRules, 'maxTotalAttempts' | 'skippedDelaySeconds'>>
> = {
  busy: 'busy',
  noAnswer: 'noAnswer',
  machine: 'machine',
  failed: 'failed',
  abandoned: 'abandoned',
};

export interface OutcomeContext {
  outcome: ContactOutcome;
  /** Attempts of the contact including this one. */
  attempts: number;
  /** Outcomes of this kind including this one. */
  outcomeCount: number;
  rules: RetryRules;
  now: Date;
  /** The contact was a callback: a retry keeps its place ahead of normal contacts. */
  wasCallback: boolean;
  /**
   * The contact has another number still alive (an alternate not known invalid): an
   * invalid number or a do-not-call refusal ends only the dialed number, and the contact
   * is due again at once on its next one (within its total attempts). Default false.
   */
  otherNumberAlive?: boolean;
}

/**
 * The campaign's retry rules applied to one attempt: `answered` finishes the contact
 * (a disposition may reopen it), `invalidNumber` and `doNotCall` finish it for good (unless
 * another of its numbers is alive: then it is due at once on that one), the
 * others retry after their delay until their own maximum or the contact's total
 * maximum is reached.
 */
export function decideAfterOutcome(context: OutcomeContext): ContactDecision {
  const { outcome, rules } = context;
  if (outcome === 'answered') return { status: 'done', finalReason: 'answered' };
  // Not dialed (a skipped preview): no attempt spent, due again after the campaign's delay.
  if (outcome === 'skipped')
    return {
      status: 'pending',
      dueAt: new Date(context.now.getTime() + (rules.skippedDelaySeconds ?? 0) * 1000),
      callback: context.wasCallback,
    };
  if (outcome === 'invalidNumber' || outcome === 'doNotCall') {
    if (!context.otherNumberAlive) return { status: 'done', finalReason: outcome };
    if (context.attempts >= rules.maxTotalAttempts) return { status: 'done', finalReason: 'maxAttempts' };
    return { status: 'pending', dueAt: context.now, callback: context.wasCallback };
  }
  const rule = rules[RETRYABLE[outcome]!];
  if (context.outcomeCount >= rule.maxAttempts || context.attempts >= rules.maxTotalAttempts) {
    return { status: 'done', finalReason: 'maxAttempts' };
  }
  return {
    status: 'pending',
    dueAt: new Date(context.now.getTime() + rule.delaySeconds * 1000),
    callback: context.wasCallback,
  };
}

export const DEFAULT_DISPOSITION_RETRY_SECONDS = 86_400;

/**
 * An agent's disposition applied to the contact: a final code finishes it, a callback
 * code makes it a callback due at `callbackAt`, any other code dials it again after the
 * code's delay (1 day by default) unless it has used up its attempts.
 */
export function decideAfterDisposition(
  code: DispositionCode,
  context: { callbackAt: Date | null; attempts: number; rules: RetryRules; now: Date },
): ContactDecision {
  if (code.final) return { status: 'done', finalReason: 'disposition' };
  if (code.callback) return { status: 'pending', dueAt: context.callbackAt ?? context.now, callback: true };
  if (context.attempts >= context.rules.maxTotalAttempts)
    return { status: 'done', finalReason: 'maxAttempts' };
  const delay = code.retryDelaySeconds ?? DEFAULT_DISPOSITION_RETRY_SECONDS;
  return { status: 'pending', dueAt: new Date(context.now.getTime() + delay * 1000), callback: false };
}
