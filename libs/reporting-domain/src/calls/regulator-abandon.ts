import type { CallClassification, CallFacts } from './call-facts';

/**
 * The regulators' grace: an answered live call not connected to an agent within 2 s of
 * the answer is abandoned (US FTC TSR / FCC, UK Ofcom). Fixed by the rule, whatever the
 * campaign's own grace setting.
 */
export const REGULATOR_GRACE_MS = 2_000;

/**
 * How the abandon rate counts a call, by the regulator's definition:
 * - a live answer is a call a person answered (`liveAnswer`), except an AMD false
 *   positive, which the US rule leaves out and the UK rule counts separately;
 * - it is abandoned when the dialer abandoned it, or when it reached an agent more than
 *   2 s after the answer (a late connect is an abandon, whatever the dialer thought).
 */
export function classifyCall(facts: CallFacts): CallClassification {
  const amdFalsePositive = facts.abandoned && facts.abandonReason === 'amdFalsePositive';
  const countedLive = facts.liveAnswer && !amdFalsePositive;
  const lateConnect =
    facts.connectedAt !== null &&
    facts.answeredAt !== null &&
    facts.connectedAt.getTime() - facts.answeredAt.getTime() > REGULATOR_GRACE_MS;
  return {
    countedLive,
    countedAbandon: countedLive && (facts.abandoned || lateConnect),
    amdFalsePositive,
    connected: facts.connectedAt !== null,
  };
}
