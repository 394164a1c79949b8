import type {
  CampaignSettings,
  Contact,
  ContactOutcome,
  ContactStatus,
  CustomFields,
  FinalReason,
} from '@autotelesale/contracts';
import { escapeFormula, escapeFormulaRecord } from '@autotelesale/campaign-domain';
import { iso } from '../db/sql';

export interface ContactRow {
  id: string;
  campaign_id: string;
  list_id: string | null;
  phone: string;
  /** Alternate numbers, tried after the main one. */
  alt_phones: string[];
  /** The number the next attempt starts from: 0 the main one, n alt_phones[n - 1]. */
  phone_index: number;
  name: string | null;
  fields: CustomFields;
  time_zone: string | null;
  priority: number;
  owner_agent_id: string | null;
  status: ContactStatus;
  lane: number;
  due_at: Date | null;
  attempts: number;
  outcome_counts: Record<string, number>;
  last_outcome: ContactOutcome | null;
  last_attempt_at: Date | null;
  last_disposition: string | null;
  final_reason: FinalReason | null;
  callback_id: string | null;
  callback_agent_id: string | null;
  lease_attempt_id: string | null;
  leased_by: string | null;
  lease_expires_at: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  /** Joined from the open callback, when there is one. */
  callback_due_at?: Date | null;
  callback_notes?: string | null;
}

export const CONTACT_COLUMNS = `c.id, c.campaign_id, c.list_id, c.phone, c.alt_phones, c.phone_index, c.name, c.fields, c.time_zone, c.priority,
  c.owner_agent_id, c.status, c.lane, c.due_at, c.attempts, c.outcome_counts, c.last_outcome, c.last_attempt_at,
  c.last_disposition, c.final_reason, c.callback_id, c.callback_agent_id, c.lease_attempt_id, c.leased_by,
  c.lease_expires_at, c.version, c.created_at, c.updated_at`;

/** The contact columns plus its open callback's time and notes. */
export const CONTACT_WITH_CALLBACK = `${CONTACT_COLUMNS}, cb.due_at AS callback_due_at, cb.notes AS callback_notes`;
export const JOIN_CALLBACK = `LEFT JOIN callback cb ON cb.id = c.callback_id`;

/** A contact as returned: list-provided text formula-escaped, the E.164 phone as is. */
export function toContact(row: ContactRow): Contact {
  return {
    id: row.id,
    campaignId: row.campaign_id,
    listId: row.list_id,
    phone: row.phone,
    alternatePhones: row.alt_phones,
    name: row.name === null ? null : (escapeFormula(row.name) as string),
    fields: escapeFormulaRecord(row.fields) as CustomFields,
    timeZone: row.time_zone,
    priority: row.priority,
    ownerAgentId: row.owner_agent_id,
    status: row.status,
    dueAt: row.status === 'pending' ? iso(row.due_at) : null,
    attempts: row.attempts,
    outcomeCounts: row.outcome_counts,
    lastOutcome: row.last_outcome,
    lastAttemptAt: iso(row.last_attempt_at),
    lastDisposition: row.last_disposition,
    finalReason: row.final_reason,
    callback:
      row.callback_id && row.lane === 0
        ? {
            callbackId: row.callback_id,
            dueAt: iso(row.callback_due_at ?? row.due_at)!,
            ownerAgentId: row.callback_agent_id,
            notes: row.callback_notes ? (escapeFormula(row.callback_notes) as string) : null,
          }
        : null,
    version: row.version,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

/** A campaign's settings as the per-call paths (dial clearance, outcomes) need them: without its agent list. */
export type SettingsWithoutAgents = Omit<CampaignSettings, 'agents'>;

/**
 * The campaign's settings minus `agents` (joined as `k`): a campaign of 1,200 agents keeps
 * ~100 KB of them in `settings`, which every clearance and outcome used to detoast, send
 * and parse for nothing (bench: about a third of campaign-service's CPU per call).
 */
export const SETTINGS_WITHOUT_AGENTS = `k.settings - 'agents' AS settings`;
