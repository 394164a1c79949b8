import type { AbandonWindow, RegulatorRule } from '@autotelesale/contracts';
import { ABANDON_RULE_WINDOW_SEC } from '@autotelesale/pacing';
import { regulatorAbandonRate, type RegulatorCounts } from './regulator-rate';

/** The abandon cap when a campaign's own is not known yet (3 %, the US and UK figure). */
export const DEFAULT_ABANDON_RATE_CAP = 0.03;

export const REGULATOR_RULES: readonly RegulatorRule[] = ['US', 'UK'];

/** The regulator's window ending at `at` (exclusive): 30 days (US) or 24 hours (UK). */
export function regulatorWindow(rule: RegulatorRule, at: Date): { from: Date; to: Date } {
  return { from: new Date(at.getTime() - ABANDON_RULE_WINDOW_SEC[rule] * 1_000), to: at };
}

/** Call counts over one window, as the call records add up. */
export type WindowCounts = RegulatorCounts;

/**
 * A campaign's abandon rate over one regulator window (`regulatorAbandonRate`). US:
 * abandons / live answers, AMD false positives left out. UK: the known AMD false positives
 * count in `liveAnswers` and `abandons`; the estimated ones (machine verdicts x the
 * campaign's false-positive rate) are a figure of their own, added to both in `rate` and
 * `abandonsLeft`. `abandonsLeft` as the pacer counts it (libs/pacing's AbandonLedger).
 */
export function abandonWindow(
  rule: RegulatorRule,
  at: Date,
  counts: WindowCounts,
  capRate: number,
): AbandonWindow {
  const { from, to } = regulatorWindow(rule, at);
  const uk = rule === 'UK';
  const extra = uk ? counts.amdFalsePositives : 0;
  const liveAnswers = counts.liveAnswers + extra;
  const abandons = counts.abandons + extra;
  const estimated = uk ? counts.amdFalsePositivesEstimated : 0;
  const rate = regulatorAbandonRate(rule, counts);
  return {
    rule,
    windowSeconds: ABANDON_RULE_WINDOW_SEC[rule],
    from: from.toISOString(),
    to: to.toISOString(),
    liveAnswers,
    abandons,
    machineVerdicts: uk ? counts.machineVerdicts : 0,
    amdFalsePositivesEstimated: estimated,
    rate,
    capRate,
    withinCap: rate <= capRate + 1e-12,
    abandonsLeft: Math.floor(capRate * (liveAnswers + estimated) - estimated + 1e-9) - abandons,
  };
}
