import type { ContactOutcome } from '@autotelesale/contracts';

/** Outcomes after which the next attempt goes to the contact's next number. */
const MOVE_ON: ReadonlySet<ContactOutcome> = new Set([
  'busy',
  'noAnswer',
  'failed',
  'invalidNumber',
  'doNotCall',
]);
/** Outcomes that end the dialed number for this contact (the number, not the contact). */
const NUMBER_DEAD: ReadonlySet<ContactOutcome> = new Set(['invalidNumber', 'doNotCall']);

export interface NextNumberInput {
  outcome: ContactOutcome;
  /** How many numbers the contact has (1 + its alternates). */
  count: number;
  /** The number this attempt dialed (0 the main one). */
  dialedIndex: number;
  /** Numbers known dead (invalid), by index; the dialed one is added when the outcome kills it. */
  dead: ReadonlySet<number>;
}

/**
 * Which number the contact's next attempt starts from: after busy, no answer, a network
 * failure, an invalid number or a do-not-call refusal, the next one round-robin that is
 * not dead; after any other outcome (a machine, an abandon, an answer) the same one.
 * `next` is null when every number is dead: the contact has nothing left to dial.
 */
export function nextNumberAfterOutcome(input: NextNumberInput): { next: number | null; otherAlive: boolean } {
  const { count, dialedIndex, outcome } = input;
  const dead = new Set(input.dead);
  if (NUMBER_DEAD.has(outcome)) dead.add(dialedIndex);
  const start = MOVE_ON.has(outcome) ? dialedIndex + 1 : dialedIndex;
  let next: number | null = null;
  for (let i = 0; i < count; i++) {
    const index = (start + i) % count;
    if (!dead.has(index)) {
      next = index;
      break;
    }
  }
  const otherAlive = Array.from({ length: count }, (_, i) => i).some(
    (i) => i !== dialedIndex && !dead.has(i),
  );
  return { next, otherAlive };
}

/** A contact's numbers in dialing order: the main one, then its alternates. */
export function contactNumbers(contact: {
  phone: string;
  alternatePhones?: readonly string[] | null;
}): string[] {
  return [contact.phone, ...(contact.alternatePhones ?? [])];
}
