import {
  MAX_ALTERNATE_PHONES,
  type CustomFields,
  type FieldValue,
  type ImportRejectCode,
  type ImportWarningCode,
} from '@autotelesale/contracts';
import { readZoneColumn } from '@autotelesale/compliance-domain';
import type { ColumnRoles } from './contact-columns';
import { normalizePhone } from './phone-number';

/** A contact as one imported row describes it, before it meets the campaign's contacts. */
export interface ContactDraft {
  phone: string;
  name: string | null;
  /** Null: the row gave none (a new contact gets 0; a merge keeps the old one). */
  priority: number | null;
  /** The zone column as compliance-domain's `readZoneColumn` keeps it: an IANA zone, an ISO country (`VN`) or an ISO 3166-2 region (`US-CA`). */
  timeZone: string | null;
  ownerAgentId: string | null;
  fields: CustomFields;
  /** Other numbers of the contact, E.164, distinct, never the main one (at most MAX_ALTERNATE_PHONES). */
  alternatePhones: string[];
}

/** A cell of a kept row that was left out (a bad alternate number), reported with its row. */
export interface DraftWarning {
  column: string;
  code: ImportWarningCode;
  reason: string;
  value: string;
}

export type DraftResult =
  | { ok: true; draft: ContactDraft; warnings: DraftWarning[] }
  | { ok: false; code: ImportRejectCode; reason: string };

const OWNER_ID = /^[\w.:@-]{1,100}$/;

/** The zone column as stored (`vn` -> `VN`), or null when it names no zone, country or known region. */
function zoneColumnValue(cell: string): string | null {
  return readZoneColumn(cell)?.value ?? null;
}

function text(value: FieldValue | undefined): string {
  return value === null || value === undefined ? '' : String(value).trim();
}

/**
 * Turns one row (column -> value) into a contact draft: the phone normalised to E.164
 * with `region`, the recognised columns checked, every other non-empty value kept as a
 * custom field under its column name (stored as received: escaping happens on output).
 */
export function buildContactDraft(
  row: Record<string, FieldValue>,
  columns: ColumnRoles,
  region: string,
  /** Zone cells already read in this import (a file repeats a few values). */
  zoneCache: Map<string, string | null> = new Map(),
): DraftResult {
  let phoneRaw: FieldValue | undefined;
  let name: string | null = null;
  let priority: number | null = null;
  let timeZone: string | null = null;
  let ownerAgentId: string | null = null;
  const alternates: Array<{ column: string; value: FieldValue }> = [];
  const fields: CustomFields = {};
  for (const key in row) {
    const value = row[key]!;
    const role = columns.roles.get(key);
    if (role === undefined) {
      if (value !== null && value !== '' && !(typeof value === 'string' && value.trim() === ''))
        fields[key] = value;
      continue;
    }
    const cell = text(value);
    switch (role) {
      case 'phone':
        phoneRaw = value;
        break;
      case 'alternatePhone':
        if (cell !== '') alternates.push({ column: key, value });
        break;
      case 'name':
        name = cell === '' ? null : cell.slice(0, 500);
        break;
      case 'priority':
        if (cell !== '') {
          const parsed = Number(cell);
          if (!Number.isInteger(parsed) || parsed < -1000 || parsed > 1000) {
            return {
              ok: false,
              code: 'PRIORITY_INVALID',
              reason: `priority "${cell.slice(0, 40)}" is not a whole number from -1000 to 1000`,
            };
          }
          priority = parsed;
        }
        break;
      case 'timeZone':
        if (cell !== '') {
          let zone = zoneCache.get(cell);
          if (zone === undefined) zoneCache.set(cell, (zone = zoneColumnValue(cell)));
          if (zone === null)
            return {
              ok: false,
              code: 'TIME_ZONE_INVALID',
              reason: `"${cell.slice(0, 64)}" is not an IANA time zone (Asia/Tokyo), an ISO country (VN) or a known ISO 3166-2 region (US-CA, CA-ON, AU-NSW)`,
            };
          timeZone = zone;
        }
        break;
      case 'ownerAgentId':
        if (cell !== '') {
          if (!OWNER_ID.test(cell))
            return { ok: false, code: 'OWNER_INVALID', reason: 'the owner is not a valid agent id' };
          ownerAgentId = cell;
        }
        break;
    }
  }
  const phone = normalizePhone(phoneRaw, region);
  if (!phone.ok) return { ok: false, code: phone.code, reason: phone.reason };
  const alternatePhones: string[] = [];
  const warnings: DraftWarning[] = [];
  for (const { column, value } of alternates) {
    const shown = text(value).slice(0, 200);
    const alternate = normalizePhone(value, region);
    if (!alternate.ok) {
      warnings.push({ column, code: 'ALT_PHONE_INVALID', reason: alternate.reason, value: shown });
    } else if (alternate.e164 === phone.e164 || alternatePhones.includes(alternate.e164)) {
      continue; // the same number twice is one number
    } else if (alternatePhones.length >= MAX_ALTERNATE_PHONES) {
      warnings.push({
        column,
        code: 'ALT_PHONE_LIMIT',
        reason: `a contact keeps at most ${MAX_ALTERNATE_PHONES} alternate numbers`,
        value: shown,
      });
    } else {
      alternatePhones.push(alternate.e164);
    }
  }
  return {
    ok: true,
    draft: { phone: phone.e164, name, priority, timeZone, ownerAgentId, fields, alternatePhones },
    warnings,
  };
}

/** The alternates of two rows of one contact: the earlier ones first, then the new ones, never the main number. */
export function mergeAlternatePhones(
  main: string,
  earlier: readonly string[],
  later: readonly string[],
): string[] {
  const merged: string[] = [];
  for (const phone of [...earlier, ...later]) {
    if (phone !== main && !merged.includes(phone) && merged.length < MAX_ALTERNATE_PHONES) merged.push(phone);
  }
  return merged;
}

/**
 * Two rows with the same number in one campaign are one contact: the later row fills in
 * and overrides what it gives (a non-empty name, priority, time zone, owner, and each
 * non-empty custom field); what it leaves empty keeps the earlier value. Alternate numbers
 * add up (the earlier ones first).
 */
export function mergeContactDrafts(earlier: ContactDraft, later: ContactDraft): ContactDraft {
  return {
    phone: earlier.phone,
    name: later.name ?? earlier.name,
    priority: later.priority ?? earlier.priority,
    timeZone: later.timeZone ?? earlier.timeZone,
    ownerAgentId: later.ownerAgentId ?? earlier.ownerAgentId,
    fields: { ...earlier.fields, ...later.fields },
    alternatePhones: mergeAlternatePhones(earlier.phone, earlier.alternatePhones, later.alternatePhones),
  };
}
