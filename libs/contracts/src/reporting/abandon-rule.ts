/**
 * THE abandon definition of AutoTelesale, written once: reporting counts with it and the
 * dialer's 2-second timer is the same rule (libs/dialer-domain `isPastGrace` keeps the
 * same edge). Pure: epoch milliseconds in, a verdict out.
 *
 * A live-answered call is **abandoned** when it is not bridged to an agent within the
 * campaign's grace (default 2 s), counted from the end of the intro message, or from the
 * answer when the campaign has no intro:
 *
 * - bridged at exactly the deadline is in time; one millisecond later is a late connect,
 *   counted as abandoned whatever the dialer thought;
 * - never bridged is abandoned once the call is over: no agent within the grace (the
 *   identification message played), or the customer hung up before reaching an agent,
 *   **including during the intro message**, however short the wait (the conservative
 *   reading: that person heard a recording and never a human);
 * - a call still live and not bridged is not counted yet (`waiting`).
 *
 * Regulators: under the US (FCC/FTC TSR) and UK (Ofcom) rules the 2 s run from the
 * customer's answer (their completed greeting): a recorded message first uses them up.
 * A campaign run under those rules must therefore have no intro message, and then both
 * readings coincide. The intro clock is for markets whose rules allow an announcement
 * before the agent.
 */

/** The grace when a call does not carry its campaign's own: the regulators' 2 s. */
export const DEFAULT_ABANDON_GRACE_MS = 2_000;

export interface AbandonClockFacts {
  /** When a person answered (epoch ms); null: nobody answered. */
  answeredAt: number | null;
  /** When the intro message ended (epoch ms); null or absent: none played to its end. */
  introEndedAt?: number | null;
  /**
   * The intro's length (ms), when its end time is not known: the end is then
   * `answeredAt + introMs`. Ignored when `introEndedAt` is given. 0 or absent: no intro.
   */
  introMs?: number | null;
  /** When the customer was bridged to an agent (epoch ms); null: not (yet). */
  connectedAt: number | null;
  /** The call is over, or the dialer gave up on it (identification message). */
  over: boolean;
  /** The campaign's grace in ms (default 2,000). */
  graceMs?: number | null;
}

export type AbandonVerdict =
  /** Nobody answered: not a live answer, nothing to count. */
  | 'notAnswered'
  /** Bridged at or before the deadline. */
  | 'connectedInTime'
  /** Bridged after the deadline: abandoned. */
  | 'lateConnect'
  /** Over without ever being bridged: abandoned. */
  | 'neverConnected'
  /** Live, not bridged yet: nothing to count yet. */
  | 'waiting';

/** When the grace starts: the end of the intro, else the answer (null: not answered). */
export function abandonClockStart(facts: AbandonClockFacts): number | null {
  if (facts.answeredAt === null) return null;
  if (facts.introEndedAt !== undefined && facts.introEndedAt !== null)
    return Math.max(facts.answeredAt, facts.introEndedAt);
  const introMs = facts.introMs ?? 0;
  return facts.answeredAt + (introMs > 0 ? introMs : 0);
}

/** The last moment (epoch ms) an agent may be bridged in time, or null when nobody answered. */
export function abandonDeadline(facts: AbandonClockFacts): number | null {
  const start = abandonClockStart(facts);
  if (start === null) return null;
  const grace = facts.graceMs ?? DEFAULT_ABANDON_GRACE_MS;
  return start + (grace >= 0 ? grace : DEFAULT_ABANDON_GRACE_MS);
}

export function abandonVerdict(facts: AbandonClockFacts): AbandonVerdict {
  const deadline = abandonDeadline(facts);
  if (deadline === null) return 'notAnswered';
  if (facts.connectedAt !== null) return facts.connectedAt > deadline ? 'lateConnect' : 'connectedInTime';
  return facts.over ? 'neverConnected' : 'waiting';
}

/** Whether a live-answered call counts as abandoned (see the definition above). */
export function isAbandonedCall(facts: AbandonClockFacts): boolean {
  const verdict = abandonVerdict(facts);
  return verdict === 'lateConnect' || verdict === 'neverConnected';
}
