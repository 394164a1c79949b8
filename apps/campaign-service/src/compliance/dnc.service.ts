import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import {
  AtsError,
  type AddDncEntriesReply,
  type AddDncEntriesRequest,
  type CheckNumberReply,
  type DncEntry,
  type DncListRef,
  type ImportDncRequest,
  type ListDncEntriesRequest,
} from '@autotelesale/contracts';
import { checkDoNotCall, isInboundRefused, type ComplianceClock } from '@autotelesale/compliance-domain';
import { detectDelimiter, normalizePhone, readCsvRecords } from '@autotelesale/campaign-domain';
import { CAMPAIGN_POOL } from '../db/campaign-pool';
import { decodeCursor, encodeCursor, iso, queryOne, queryRows } from '../db/sql';
import { COMPLIANCE_CLOCK } from './compliance-clock';

interface DncRow {
  phone: string;
  kind: DncEntry['kind'];
  scope: string;
  reason: string | null;
  source: string | null;
  expires_at: Date | null;
  created_at: Date;
}

const PHONE_HEADERS = new Set([
  'phone',
  'number',
  'phone_number',
  'msisdn',
  'so_dien_thoai',
  'số điện thoại',
  'sdt',
]);

/**
 * The do-not-call lists: global, per campaign, and the blacklist of numbers that harass
 * agents. Numbers are stored normalised (E.164); adding one already listed updates its
 * reason and expiry. A number added while one of its contacts is leased is refused at the
 * dialer's clear-to-dial check.
 */
@Injectable()
export class DncService {
  constructor(
    @Inject(CAMPAIGN_POOL) private readonly pool: Pool,
    @Inject(COMPLIANCE_CLOCK) private readonly clock: ComplianceClock,
  ) {}

  async add(request: AddDncEntriesRequest): Promise<AddDncEntriesReply> {
    await this.requireCampaign(request.list);
    const rejected: AddDncEntriesReply['rejected'] = [];
    const phones: string[] = [];
    request.phones.forEach((raw, i) => {
      const normalized = normalizePhone(raw, request.defaultRegion);
      if (normalized.ok) phones.push(normalized.e164);
      else rejected.push({ line: i + 1, value: raw, code: normalized.code, reason: normalized.reason });
    });
    return { ...(await this.upsert(request.list, phones, request)), rejected };
  }

  async import(request: ImportDncRequest): Promise<AddDncEntriesReply> {
    await this.requireCampaign(request.list);
    const text = request.csv.replace(/^\uFEFF/, '');
    const firstLine = text.slice(0, Math.max(0, text.indexOf('\n')) || text.length);
    const read = readCsvRecords(text, request.firstLine, detectDelimiter(firstLine), true);
    const rejected: AddDncEntriesReply['rejected'] = read.malformed.map((m) => ({
      line: m.line,
      value: m.text.slice(0, 100),
      code: 'CSV_MALFORMED',
      reason: m.reason,
    }));
    let column = 0;
    let records = read.records;
    const header = records[0]?.cells.map((c) => c.trim().toLowerCase());
    const looksLikeHeader =
      header !== undefined &&
      !normalizePhone(records[0]!.cells[0], request.defaultRegion).ok &&
      header.some((h) => PHONE_HEADERS.has(h) || /[a-z]/.test(h));
    const headerDetected = request.hasHeader ?? looksLikeHeader;
    if (header && headerDetected) {
      column = Math.max(
        0,
        header.findIndex((h) => PHONE_HEADERS.has(h)),
      );
      records = records.slice(1);
    }
    const phones: string[] = [];
    for (const record of records) {
      const raw = record.cells[column] ?? '';
      const normalized = normalizePhone(raw, request.defaultRegion);
      if (normalized.ok) phones.push(normalized.e164);
      else
        rejected.push({
          line: record.line,
          value: raw.slice(0, 100),
          code: normalized.code,
          reason: normalized.reason,
        });
    }
    return {
      ...(await this.upsert(request.list, phones, { ...request, source: request.source ?? 'import' })),
      rejected,
      headerDetected,
    };
  }

  async remove(request: { list: DncListRef; phones: string[]; defaultRegion: string }) {
    const phones = request.phones.flatMap((raw) => {
      const n = normalizePhone(raw, request.defaultRegion);
      return n.ok ? [n.e164] : [];
    });
    const result = await this.pool.query(
      'DELETE FROM dnc_entry WHERE kind = $1 AND scope = $2 AND phone = ANY($3::text[])',
      [request.list.kind, scopeOf(request.list), phones],
    );
    return { removed: result.rowCount ?? 0 };
  }

  async list(request: ListDncEntriesRequest) {
    const after = decodeCursor<{ phone: string }>(request.cursor);
    const rows = await queryRows<DncRow>(
      this.pool,
      `SELECT phone, kind, scope, reason, source, expires_at, created_at FROM dnc_entry
        WHERE kind = $1 AND scope = $2 ${after ? 'AND phone > $4' : ''}
        ORDER BY phone LIMIT $3`,
      after
        ? [request.list.kind, scopeOf(request.list), request.limit + 1, after.phone]
        : [request.list.kind, scopeOf(request.list), request.limit + 1],
    );
    const page = rows.slice(0, request.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toEntry),
      nextCursor: rows.length > request.limit && last ? encodeCursor({ phone: last.phone }) : null,
    };
  }

  async check(request: {
    phone: string;
    campaignId?: string;
    defaultRegion: string;
    direction: 'outbound' | 'inbound';
  }): Promise<CheckNumberReply> {
    const normalized = normalizePhone(request.phone, request.defaultRegion);
    if (!normalized.ok)
      throw new AtsError('VALIDATION_FAILED', normalized.reason, { code: normalized.code, field: 'phone' });
    const phone = normalized.e164;
    const rows = await queryRows<DncRow & { invalid: boolean }>(
      this.pool,
      `SELECT phone, kind, scope, reason, source, expires_at, created_at FROM dnc_entry
        WHERE phone = $1 AND (scope = '*' OR scope = $2)`,
      [phone, request.campaignId ?? '*'],
    );
    const invalid = await queryOne<{ one: number }>(
      this.pool,
      'SELECT 1 AS one FROM invalid_number WHERE phone = $1',
      [phone],
    );
    const at = this.clock.now();
    const entries = rows.map((r) => ({
      kind: r.kind,
      phone: r.phone,
      campaignId: r.scope === '*' ? null : r.scope,
      expiresAt: r.expires_at ? r.expires_at.getTime() : null,
    }));
    const allowed =
      request.direction === 'inbound'
        ? !isInboundRefused({ phone, at, entries })
        : checkDoNotCall({ phone, campaignId: request.campaignId ?? '', at, entries }).allowed && !invalid;
    return { phone, allowed, entries: rows.map(toEntry), invalidNumber: invalid !== undefined };
  }

  private async upsert(
    list: DncListRef,
    phones: string[],
    meta: { reason?: string; source?: string; expiresAt?: string },
  ): Promise<{ added: number; alreadyListed: number }> {
    const unique = [...new Set(phones)];
    if (unique.length === 0) return { added: 0, alreadyListed: 0 };
    const rows = await queryRows<{ inserted: boolean }>(
      this.pool,
      `INSERT INTO dnc_entry (phone, kind, scope, reason, source, expires_at)
       SELECT p, $2, $3, $4, $5, $6 FROM unnest($1::text[]) AS p
       ON CONFLICT (phone, kind, scope) DO UPDATE
          SET reason = coalesce(EXCLUDED.reason, dnc_entry.reason), source = coalesce(EXCLUDED.source, dnc_entry.source),
              expires_at = EXCLUDED.expires_at
       RETURNING (xmax = 0) AS inserted`,
      [unique, list.kind, scopeOf(list), meta.reason ?? null, meta.source ?? 'api', meta.expiresAt ?? null],
    );
    const added = rows.filter((r) => r.inserted).length;
    return { added, alreadyListed: unique.length - added + (phones.length - unique.length) };
  }

  private async requireCampaign(list: DncListRef): Promise<void> {
    if (list.kind !== 'campaign') return;
    const found = await queryOne(this.pool, 'SELECT 1 FROM campaign WHERE id = $1', [list.campaignId]);
    if (!found) throw new AtsError('NOT_FOUND', `campaign ${list.campaignId} not found`);
  }
}

function scopeOf(list: DncListRef): string {
  return list.kind === 'campaign' ? list.campaignId! : '*';
}

function toEntry(row: DncRow): DncEntry {
  return {
    kind: row.kind,
    campaignId: row.scope === '*' ? null : row.scope,
    phone: row.phone,
    reason: row.reason,
    source: row.source,
    expiresAt: iso(row.expires_at),
    createdAt: iso(row.created_at)!,
  };
}
