import type { CampaignSettings } from '@autotelesale/contracts';
import {
  decideClearance,
  startOfLocalDay,
  contactZones,
  type ClearanceDecision,
  type DncEntry,
} from '@autotelesale/compliance-domain';
import { COMPLIANCE_DEFAULTS } from '@autotelesale/contracts';
import { queryRows, type Tx } from '../db/sql';
import type { Pool } from 'pg';

/** What the rules need from the database about a set of numbers, read in one round trip per kind. */
export interface NumberFacts {
  dnc: Map<string, DncEntry[]>;
  invalid: Set<string>;
  /** Instants (compliance clock, ms) of the dials cleared for each number in the last two days. */
  cleared: Map<string, number[]>;
}

export async function loadNumberFacts(
  db: Pool | Tx,
  phones: string[],
  withCap: boolean,
  now: number,
): Promise<NumberFacts> {
  const rows = await queryRows<{
    phone: string;
    kind: string | null;
    scope: string | null;
    expires_at: Date | null;
    invalid: boolean;
    cleared: Date[] | null;
  }>(
    db,
    `SELECT p.phone, d.kind, d.scope, d.expires_at,
            EXISTS (SELECT 1 FROM invalid_number i WHERE i.phone = p.phone) AS invalid,
            CASE WHEN $2 THEN (SELECT array_agg(a.decided_for) FROM dial_audit a
                                WHERE a.phone = p.phone AND a.allowed AND a.stage = 'dial' AND a.decided_for > $3)
            END AS cleared
       FROM unnest($1::text[]) AS p(phone)
       LEFT JOIN dnc_entry d ON d.phone = p.phone`,
    [phones, withCap, new Date(now - 2 * 86_400_000)],
  );
  const facts: NumberFacts = { dnc: new Map(), invalid: new Set(), cleared: new Map() };
  for (const row of rows) {
    if (row.kind) {
      const list = facts.dnc.get(row.phone) ?? [];
      list.push({
        kind: row.kind as DncEntry['kind'],
        phone: row.phone,
        campaignId: row.scope === '*' ? null : row.scope,
        expiresAt: row.expires_at ? row.expires_at.getTime() : null,
      });
      facts.dnc.set(row.phone, list);
    }
    if (row.invalid) facts.invalid.add(row.phone);
    if (row.cleared)
      facts.cleared.set(
        row.phone,
        row.cleared.map((d) => d.getTime()),
      );
  }
  return facts;
}

export interface ClearanceSubject {
  id: string;
  phone: string;
  timeZone: string | null;
  attempts: number;
}

/** The domain's decision for one contact, from the campaign's settings and the facts about its number. */
export function decideFor(input: {
  at: number;
  campaignId: string;
  campaignStatus: string;
  // Without the agent list: the per-call paths do not read it (SETTINGS_WITHOUT_AGENTS).
  settings: Omit<CampaignSettings, 'agents'>;
  contact: ClearanceSubject;
  facts: NumberFacts;
  leaseHeld: boolean;
}): ClearanceDecision {
  const { settings, contact, facts, at } = input;
  const compliance = settings.compliance ?? COMPLIANCE_DEFAULTS;
  const cap = compliance.maxDialsPerNumberPerDay;
  let dialsToday = 0;
  if (cap !== null) {
    const zone = contactZones({
      phone: contact.phone,
      explicit: contact.timeZone,
      campaignZone: settings.callingHours.timeZone,
      policy: settings.callingHours.timeZonePolicy,
    }).zones[0]!;
    const dayStart = startOfLocalDay(zone, at);
    dialsToday = (facts.cleared.get(contact.phone) ?? []).filter((t) => t >= dayStart && t <= at).length;
  }
  return decideClearance({
    at,
    leaseHeld: input.leaseHeld,
    campaign: {
      id: input.campaignId,
      status: input.campaignStatus,
      timeZone: settings.callingHours.timeZone,
      timeZonePolicy: settings.callingHours.timeZonePolicy,
      windows: settings.callingHours.windows,
      holidays: { dates: compliance.holidays },
      maxDialsPerNumberPerDay: cap,
      maxTotalAttempts: settings.retryRules.maxTotalAttempts,
    },
    contact: {
      id: contact.id,
      phone: contact.phone,
      timeZone: contact.timeZone,
      attempts: contact.attempts,
      numberInvalid: facts.invalid.has(contact.phone),
    },
    dncEntries: facts.dnc.get(contact.phone) ?? [],
    dialsToday,
  });
}
