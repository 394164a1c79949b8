import type { AbandonWindow, RegulatorRule } from '@autotelesale/contracts';
import { ABANDON_RULE_WINDOW_SEC } from '@autotelesale/pacing';

/** The abandon cap when a campaign's own is not known yet (3 %, the US and UK figure). */
export const DEFAULT_ABANDON_RATE_CAP = 0.03;

export const REGULATOR_RULES: readonly RegulatorRule[] = ['US', 'UK'];

/** The regulator's window ending at `at` (exclusive): 30 days (US) or 24 hours (UK). */
export function regulatorWindow(rule: RegulatorRule, at: Date): { from: Date; to: Date } {
  return { from: new Date(at.getTime() - ABANDON_RULE_WINDOW_SEC[rule] * 1_000), to: at };
}

/** Call counts over one window, as the call records add up. */
export interface WindowCounts {
  liveAnswers: number;
  abandons: number;
  amdFalsePositives: number;
}

/**
 * A campaign's abandon rate over one regulator window. US: abandons / live answers, AMD
 * false positives left out. UK: AMD false positives count as live answers and as
 * abandons. `abandonsLeft` as the pacer counts it (libs/pacing's AbandonLedger).
 */
export function abandonWindow(
  rule: RegulatorRule,
  at: Date,
  counts: WindowCounts,
  capRate: number,
): AbandonWindow {
  const { from, to } = regulatorWindow(rule, at);
  const extra = rule === 'UK' ? counts.amdFalsePositives : 0;
  const liveAnswers = counts.liveAnswers + extra;
  const abandons = counts.abandons + extra;
  const rate = liveAnswers > 0 ? abandons / liveAnswers : 0;
  return {
    rule,
    windowSeconds: ABANDON_RULE_WINDOW_SEC[rule],
    from: from.toISOString(),
    to: to.toISOString(),
    liveAnswers,
    abandons,
    rate,
    capRate,
    withinCap: rate <= capRate + 1e-12,
    abandonsLeft: Math.floor(capRate * liveAnswers + 1e-9) - abandons,
  };
}
