import { evaluateCallingHours, type CallingWindow } from './calling-hours';
import { checkDoNotCall, type DncEntry } from './do-not-call';
import type { HolidayCalendar } from './holiday-calendar';
import { addDays, instantOf, localTimeIn } from './local-time';
import { contactZones } from './number-zones';

/** Why a dial is refused, most serious first. */
export type RefusalReason =
  | 'leaseNotHeld'
  | 'campaignNotRunning'
  | 'invalidNumber'
  | 'doNotCall'
  | 'maxAttempts'
  | 'outsideHours'
  | 'dailyCap';

export type ComplianceRule =
  'lease' | 'campaignStatus' | 'invalidNumber' | 'doNotCall' | 'maxAttempts' | 'callingHours' | 'dailyCap';

/** One rule as checked: what it looked at and what it said. */
export interface RuleCheck {
  rule: ComplianceRule;
  passed: boolean;
  inputs: Record<string, unknown>;
  detail?: string;
}

/** The audit record of one decision to dial or not: stored per dial, queryable per contact. */
export interface ClearanceDecision {
  allowed: boolean;
  reason: RefusalReason | null;
  /** Never dial this contact's number again (do-not-call, invalid number). */
  final: boolean;
  /** When it may be tried again (epoch ms), for refusals that pass with time. */
  retryAt: number | null;
  /** Every rule checked, in order, with its inputs. */
  checks: RuleCheck[];
  /** The instant decided for (epoch ms). */
  at: number;
}

export interface ClearanceInput {
  /** Epoch ms: the instant of the dial. */
  at: number;
  campaign: {
    id: string;
    status: string;
    timeZone: string;
    timeZonePolicy: 'contact' | 'campaign';
    windows: readonly CallingWindow[];
    holidays?: HolidayCalendar | null;
    /** Dials to one number per local day, all its contacts and campaigns of this service; null: no cap. */
    maxDialsPerNumberPerDay: number | null;
    maxTotalAttempts: number;
  };
  contact: {
    id: string;
    phone: string;
    /** Explicit zone or region column. */
    timeZone: string | null;
    /** Attempts already made (this one not included). */
    attempts: number;
    /** The number once returned an invalid-number cause. */
    numberInvalid: boolean;
  };
  /** The dialer still holds the lease this dial is for. */
  leaseHeld: boolean;
  /** Do-not-call entries found for the number (any list; the rule picks those that apply). */
  dncEntries: readonly DncEntry[];
  /** Dials to this number since the start of its local day (this one not included). */
  dialsToday: number;
}

/**
 * Every rule at the moment of dialing, each recorded with its inputs (the audit record):
 * the lease, the campaign's status, a number known invalid, the do-not-call lists, the
 * contact's attempts, calling hours in every zone the contact may be in (with the
 * campaign's holidays), and the per-number daily cap. The first failing rule is the
 * reason; all are checked so the record shows the whole picture.
 */
export function decideClearance(input: ClearanceInput): ClearanceDecision {
  const { at, campaign, contact } = input;
  const checks: RuleCheck[] = [];
  checks.push({ rule: 'lease', passed: input.leaseHeld, inputs: { leaseHeld: input.leaseHeld } });
  checks.push({
    rule: 'campaignStatus',
    passed: campaign.status === 'running',
    inputs: { status: campaign.status },
  });
  checks.push({
    rule: 'invalidNumber',
    passed: !contact.numberInvalid,
    inputs: { numberInvalid: contact.numberInvalid },
  });
  const dnc = checkDoNotCall({
    phone: contact.phone,
    campaignId: campaign.id,
    at,
    entries: input.dncEntries,
  });
  checks.push({
    rule: 'doNotCall',
    passed: dnc.allowed,
    inputs: { listsChecked: ['global', 'blacklist', 'campaign'], hits: dnc.hits },
  });
  checks.push({
    rule: 'maxAttempts',
    passed: contact.attempts < campaign.maxTotalAttempts,
    inputs: { attempts: contact.attempts, maxTotalAttempts: campaign.maxTotalAttempts },
  });
  const zones = contactZones({
    phone: contact.phone,
    explicit: contact.timeZone,
    campaignZone: campaign.timeZone,
    policy: campaign.timeZonePolicy,
  });
  const hours = evaluateCallingHours({
    windows: campaign.windows,
    zones: zones.zones,
    at,
    holidays: campaign.holidays ?? null,
  });
  checks.push({
    rule: 'callingHours',
    passed: hours.allowed,
    inputs: {
      zoneSource: zones.source,
      country: zones.country,
      ambiguous: zones.ambiguous,
      zones: hours.zones,
      windows: campaign.windows,
      holidays: campaign.holidays?.dates.length ?? 0,
    },
    ...(hours.allowed
      ? {}
      : {
          detail: `next allowed ${hours.nextAllowedAt === null ? 'none within 14 days' : new Date(hours.nextAllowedAt).toISOString()}`,
        }),
  });
  const cap = campaign.maxDialsPerNumberPerDay;
  const underCap = cap === null || input.dialsToday < cap;
  checks.push({
    rule: 'dailyCap',
    passed: underCap,
    inputs: { dialsToday: input.dialsToday, maxDialsPerNumberPerDay: cap, dayZone: zones.zones[0] },
  });

  const reason = firstRefusal(checks);
  const final = reason === 'invalidNumber' || reason === 'doNotCall' || reason === 'maxAttempts';
  let retryAt: number | null = null;
  if (reason === 'outsideHours') retryAt = hours.nextAllowedAt;
  if (reason === 'dailyCap') retryAt = startOfNextLocalDay(zones.zones[0]!, at);
  return { allowed: reason === null, reason, final, retryAt, checks, at };
}

const REASON: Record<ComplianceRule, RefusalReason> = {
  lease: 'leaseNotHeld',
  campaignStatus: 'campaignNotRunning',
  invalidNumber: 'invalidNumber',
  doNotCall: 'doNotCall',
  maxAttempts: 'maxAttempts',
  callingHours: 'outsideHours',
  dailyCap: 'dailyCap',
};

function firstRefusal(checks: RuleCheck[]): RefusalReason | null {
  const failed = checks.find((c) => !c.passed);
  return failed ? REASON[failed.rule] : null;
}

/** The start of the local day containing `at` in `zone` (epoch ms): where the daily cap counts from. */
export function startOfLocalDay(zone: string, at: number): number {
  return instantOf(zone, localTimeIn(zone, at).date, 0);
}

/** The start of the next local day in `zone`. */
export function startOfNextLocalDay(zone: string, at: number): number {
  return instantOf(zone, addDays(localTimeIn(zone, at).date, 1), 0);
}
