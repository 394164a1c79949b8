import type { RegulatorRule } from '@autotelesale/contracts';
import { abandonRate } from '@autotelesale/compliance-domain';

/** What the regulator's abandon rate of a group or window is made of, as the call records add up. */
export interface RegulatorCounts {
  /** People answered (AMD false positives not included). */
  liveAnswers: number;
  abandons: number;
  /** People AMD dropped as machines, each one known (`abandonReason: amdFalsePositive`). */
  amdFalsePositives: number;
  /** Machine verdicts the calls ended on (hung up, message left). */
  machineVerdicts: number;
  /** The people estimated among them: the sum of each verdict's campaign false-positive rate. */
  amdFalsePositivesEstimated: number;
}

/**
 * The abandon rate as a regulator counts it. US: abandons / live answers, AMD false
 * positives left out. UK (Ofcom): the known false positives and the estimated ones (machine
 * verdicts x the measured false-positive rate) count as live answers and as abandons, by
 * libs/compliance-domain's `abandonRate`, the formula the dialer's throttle applies, so
 * reporting and the dialer agree. Known false positives are added as the live answers and
 * abandons they are; the estimate goes in as verdicts x their mean rate (= its sum).
 */
export function regulatorAbandonRate(rule: RegulatorRule, c: RegulatorCounts): number {
  if (rule === 'US')
    return abandonRate({
      liveAnswered: c.liveAnswers,
      abandoned: c.abandons,
      machineDetections: 0,
      amdFalsePositiveRate: 0,
    });
  return abandonRate({
    liveAnswered: c.liveAnswers + c.amdFalsePositives,
    abandoned: c.abandons + c.amdFalsePositives,
    machineDetections: c.machineVerdicts,
    amdFalsePositiveRate: c.machineVerdicts > 0 ? c.amdFalsePositivesEstimated / c.machineVerdicts : 0,
  });
}
