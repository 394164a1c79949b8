import { parseClockSpec, type ComplianceClock } from '@autotelesale/compliance-domain';

export const COMPLIANCE_CLOCK = Symbol('COMPLIANCE_CLOCK');

/**
 * The clock calling hours and daily caps are judged on: real time, or with
 * `ATS_COMPLIANCE_CLOCK=<ISO instant>@<scale>` a simulated clock starting at that instant
 * and running `scale` times faster (a 24-hour campaign in a minute, in tests and demos).
 * Queue times (due, lease expiry) stay real: a time the rules give is mapped back to real
 * time with `toReal`.
 */
export const complianceClockProvider = {
  provide: COMPLIANCE_CLOCK,
  useFactory: (): ComplianceClock => parseClockSpec(process.env['ATS_COMPLIANCE_CLOCK'], Date.now),
};
