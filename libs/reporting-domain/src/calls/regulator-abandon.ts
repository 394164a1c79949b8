import { DEFAULT_ABANDON_GRACE_MS, abandonVerdict } from '@autotelesale/contracts';
import type { CallClassification, CallFacts } from './call-facts';

/**
 * The grace assumed for a call that does not carry its campaign's: the regulators' 2 s
 * (US FTC TSR / FCC, UK Ofcom). The definition itself is `abandonVerdict` in
 * `@autotelesale/contracts` (one definition for reporting and the dialer).
 */
export const REGULATOR_GRACE_MS = DEFAULT_ABANDON_GRACE_MS;

/**
 * How the abandon rate counts a call:
 * - a live answer is a call a person answered (`liveAnswer`), except an AMD false
 *   positive, which the US rule leaves out and the UK rule counts separately;
 * - a machine verdict the call ended on (hung up, message left) is nobody's live answer,
 *   but the UK rule estimates the people among them: the call's `amdFalsePositiveRate`;
 * - it is abandoned by `abandonVerdict`: not bridged to an agent within the campaign's
 *   grace (2 s unless the call says otherwise) counted from the end of the intro message,
 *   or from the answer without one. A late connect is an abandon whatever the dialer
 *   thought; a call the dialer abandoned, or that ended before reaching an agent (the
 *   customer hanging up while waiting or during the intro), is one too (except in
 *   auto-call campaigns, which connect nobody to an agent by design).
 */
export function classifyCall(facts: CallFacts): CallClassification {
  const amdFalsePositive = facts.abandoned && facts.abandonReason === 'amdFalsePositive';
  const countedLive = facts.liveAnswer && !amdFalsePositive;
  const verdict = abandonVerdict({
    answeredAt: facts.answeredAt?.getTime() ?? null,
    introEndedAt: facts.introEndedAt?.getTime() ?? null,
    connectedAt: facts.connectedAt?.getTime() ?? null,
    over: facts.ended || facts.abandoned,
    graceMs: facts.abandonGraceMs,
  });
  // An auto-call campaign plays its message with no agent by design: only what the
  // dialer itself abandoned counts there.
  const abandonedByRule =
    verdict === 'lateConnect' || (verdict === 'neverConnected' && facts.mode !== 'auto-call');
  // The dialer counts the same calls as `machineDetected` in its abandon window: a
  // machine passed to an agent is a live answer, not a verdict that could drop a person.
  const machineVerdict =
    facts.amd === 'machine' && !facts.liveAnswer && facts.connectedAt === null && !amdFalsePositive;
  return {
    countedLive,
    countedAbandon: countedLive && (facts.abandoned || abandonedByRule),
    amdFalsePositive,
    machineVerdict,
    amdFalsePositiveEstimate: machineVerdict ? (facts.amdFalsePositiveRate ?? 0) : 0,
    connected: facts.connectedAt !== null,
  };
}
