import type { ClearanceDecision, RefusalReason } from './dial-clearance';

/** Refusals about the contact as a whole: the same whichever of its numbers is tried. */
const CONTACT_WIDE: ReadonlySet<RefusalReason> = new Set([
  'leaseNotHeld',
  'campaignNotRunning',
  'maxAttempts',
]);
/** Refusals that end a number for good (an invalid number, a listed one). */
const NUMBER_FINAL: ReadonlySet<RefusalReason> = new Set(['invalidNumber', 'doNotCall']);

/** One of a contact's numbers as checked: its index (0 the main number) and the decision for it. */
export interface CheckedNumber {
  index: number;
  phone: string;
  decision: ClearanceDecision;
}

export type NumberChoice =
  /** Dial this number now. `skipped`: the numbers refused before it, in the order tried. */
  | { kind: 'dial'; number: CheckedNumber; skipped: CheckedNumber[] }
  /**
   * None may be dialed now. `final`: never again (every number dead, or the contact's
   * attempts used up); else `retryAt` is the earliest instant one of them may be (null:
   * none known). `reason` is the refusal that decides, `refused` every number checked.
   */
  | {
      kind: 'refused';
      reason: RefusalReason;
      final: boolean;
      retryAt: number | null;
      refused: CheckedNumber[];
      /** The number whose refusal decides (the one a retry starts from). */
      deciding: CheckedNumber;
    };

/** The indexes of `count` numbers, round-robin from `cursor` (0 the main number). */
export function rotation(count: number, cursor: number): number[] {
  if (count <= 0) return [];
  const start = ((cursor % count) + count) % count;
  return Array.from({ length: count }, (_, i) => (start + i) % count);
}

/**
 * Which of a contact's numbers to dial now: the first, round-robin from `cursor`, that the
 * rules allow. A number refused for itself (invalid, on a list, outside the hours of its
 * zones, over its daily cap) is skipped for the next one; a refusal about the whole
 * contact (lease, campaign, attempts) stops the search. When none is allowed: final if
 * every number is dead for good (do-not-call decides over invalid when both occur), else
 * the earliest time one of the others allows.
 */
export function chooseNumberToDial(
  numbers: readonly string[],
  cursor: number,
  decide: (phone: string) => ClearanceDecision,
): NumberChoice {
  if (numbers.length === 0) throw new RangeError('a contact has at least one number');
  const refused: CheckedNumber[] = [];
  for (const index of rotation(numbers.length, cursor)) {
    const phone = numbers[index]!;
    const decision = decide(phone);
    const checked = { index, phone, decision };
    if (decision.allowed) return { kind: 'dial', number: checked, skipped: refused };
    refused.push(checked);
    if (CONTACT_WIDE.has(decision.reason!)) {
      return {
        kind: 'refused',
        reason: decision.reason!,
        final: decision.final,
        retryAt: decision.retryAt,
        refused,
        deciding: checked,
      };
    }
  }
  const waiting = refused.filter((n) => !NUMBER_FINAL.has(n.decision.reason!));
  if (waiting.length === 0) {
    const deciding = refused.find((n) => n.decision.reason === 'doNotCall') ?? refused[0]!;
    return {
      kind: 'refused',
      reason: deciding.decision.reason!,
      final: true,
      retryAt: null,
      refused,
      deciding,
    };
  }
  const timed = waiting.filter((n) => n.decision.retryAt !== null);
  const deciding =
    timed.length === 0
      ? waiting[0]!
      : timed.reduce((best, n) => (n.decision.retryAt! < best.decision.retryAt! ? n : best));
  return {
    kind: 'refused',
    reason: deciding.decision.reason!,
    final: false,
    retryAt: deciding.decision.retryAt,
    refused,
    deciding,
  };
}
