import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { CAMPAIGN_POOL } from '../db/campaign-pool';
import {
  AtsError,
  campaignEvents,
  type ImportChunkRequest,
  type ImportRejectsPage,
  type ImportStatus,
  type ImportWarningsPage,
  type StartImportRequest,
} from '@autotelesale/contracts';
import {
  assertCampaignOpen,
  feedImportPiece,
  isKnownRegion,
  mergeContactDrafts,
  newImportParserState,
  type ContactDraft,
  type ImportedRow,
  type ImportOptions,
} from '@autotelesale/campaign-domain';
import { NatsBus } from '@autotelesale/messaging';
import { inTransaction, lockCampaignContacts, queryOne, queryRows, type Tx } from '../db/sql';
import { appendToOutbox } from '../outbox/outbox';
import { campaignEvent } from '../outbox/campaign-event';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { CampaignService } from '../campaigns/campaign.service';
import {
  toImportReject,
  toImportStatus,
  toImportWarning,
  type ImportRejectRow,
  type ImportWarningRow,
  type ListImportRow,
} from './import-row';
import { upsertContactDrafts } from '../contacts/contact-upsert';
import { CampaignMetrics } from '../metrics/campaign-metrics';

const IMPORT_COLUMNS = `id, list_id, campaign_id, state, format, options, parser_state, next_seq, bytes_received,
  total_bytes, rows_in, accepted, merged, rejected, warnings, blank_lines, file_name, error, started_at, updated_at, completed_at`;

/**
 * Streamed list imports. Each chunk is one transaction: lock the import row (a re-sent or
 * concurrent copy of a chunk waits, then sees it applied), feed the bytes to the pure
 * parser, merge the rows into the campaign's contacts, store the rejects, save counters
 * and the parser's carry-over, write the progress event. So the report is exact at every
 * reply, and any replica can take the next chunk.
 */
@Injectable()
export class ListImportService {
  constructor(
    @Inject(CAMPAIGN_POOL) private readonly pool: Pool,
    private readonly bus: NatsBus,
    private readonly outbox: OutboxRelay,
    private readonly campaigns: CampaignService,
    private readonly metrics: CampaignMetrics,
  ) {}

  async start(request: StartImportRequest): Promise<ImportStatus> {
    const list = await queryOne<{ id: string; campaign_id: string; default_region: string }>(
      this.pool,
      'SELECT id, campaign_id, default_region FROM contact_list WHERE id = $1',
      [request.listId],
    );
    if (!list) throw new AtsError('NOT_FOUND', `list ${request.listId} not found`);
    const campaign = await this.campaigns.get(list.campaign_id);
    assertCampaignOpen(campaign.status, 'imports');
    const region = request.defaultRegion ?? list.default_region;
    if (!isKnownRegion(region)) {
      throw new AtsError('VALIDATION_FAILED', `no numbering plan for region ${region}`, [
        { path: 'defaultRegion', message: 'unknown region' },
      ]);
    }
    if (request.format !== 'csv' && (request.delimiter || request.columns)) {
      throw new AtsError('VALIDATION_FAILED', 'delimiter and columns apply to CSV only', [
        { path: request.delimiter ? 'delimiter' : 'columns', message: 'CSV only' },
      ]);
    }
    if (request.idempotencyKey) {
      const existing = await queryOne<ListImportRow>(
        this.pool,
        `SELECT ${IMPORT_COLUMNS} FROM list_import WHERE list_id = $1 AND idempotency_key = $2`,
        [request.listId, request.idempotencyKey],
      );
      if (existing) return toImportStatus(existing);
    }
    const options: ImportOptions = {
      format: request.format,
      region,
      ...(request.delimiter ? { delimiter: request.delimiter } : {}),
      ...(request.columns ? { columns: request.columns } : {}),
      ...(request.columnMap ? { columnMap: request.columnMap } : {}),
    };
    const row = await queryOne<ListImportRow>(
      this.pool,
      `INSERT INTO list_import (id, list_id, campaign_id, state, format, options, parser_state, total_bytes, file_name, idempotency_key)
       VALUES ($1, $2, $3, 'receiving', $4, $5, $6, $7, $8, $9)
       ON CONFLICT (list_id, idempotency_key) DO NOTHING
       RETURNING ${IMPORT_COLUMNS}`,
      [
        randomUUID(),
        request.listId,
        list.campaign_id,
        request.format,
        JSON.stringify(options),
        JSON.stringify(newImportParserState(options)),
        request.totalBytes ?? null,
        request.fileName ?? null,
        request.idempotencyKey ?? null,
      ],
    );
    if (row) return toImportStatus(row);
    const existing = await queryOne<ListImportRow>(
      this.pool,
      `SELECT ${IMPORT_COLUMNS} FROM list_import WHERE list_id = $1 AND idempotency_key = $2`,
      [request.listId, request.idempotencyKey],
    );
    return toImportStatus(existing!);
  }

  async chunk(request: ImportChunkRequest): Promise<ImportStatus> {
    const bytes = Buffer.from(request.data, request.encoding === 'base64' ? 'base64' : 'utf8');
    const status = await inTransaction(this.pool, async (tx) => {
      const row = await this.lockImport(tx, request.importId);
      if (request.seq < row.next_seq) return { status: toImportStatus(row), changed: false }; // a repeat: already applied
      if (row.state !== 'receiving') {
        throw new AtsError('CONFLICT', `import ${row.id} is ${row.state}`, {
          reason: 'IMPORT_CLOSED',
          state: row.state,
        });
      }
      if (request.seq > row.next_seq) {
        throw new AtsError('CONFLICT', `chunk ${request.seq} arrived before chunk ${row.next_seq}`, {
          reason: 'CHUNK_OUT_OF_ORDER',
          expectedSeq: row.next_seq,
        });
      }
      await lockCampaignContacts(tx, row.campaign_id);
      const piece = feedImportPiece(row.parser_state, bytes, request.last, row.options);
      let counts = { accepted: 0, merged: 0, rejected: 0, rowsIn: 0, warnings: 0 };
      let state: ListImportRow['state'] = request.last ? 'completed' : 'receiving';
      let error: string | null = null;
      if (piece.fatal) {
        state = 'failed';
        error = piece.fatal;
      } else {
        counts = await this.applyRows(tx, row, piece.rows);
      }
      const updated = await queryOne<ListImportRow>(
        tx,
        `UPDATE list_import SET
           next_seq = next_seq + 1, bytes_received = bytes_received + $2, parser_state = $3,
           rows_in = rows_in + $4, accepted = accepted + $5, merged = merged + $6, rejected = rejected + $7,
           blank_lines = blank_lines + $8, state = $9, error = $10, warnings = warnings + $11, updated_at = now(),
           completed_at = CASE WHEN $9 = 'receiving' THEN NULL ELSE now() END
         WHERE id = $1 RETURNING ${IMPORT_COLUMNS}`,
        [
          row.id,
          bytes.length,
          JSON.stringify(piece.state),
          counts.rowsIn,
          counts.accepted,
          counts.merged,
          counts.rejected,
          piece.blankLines,
          state,
          error,
          counts.warnings,
        ],
      );
      const status = toImportStatus(updated!);
      await this.appendImportEvent(tx, status);
      return { status, changed: true };
    });
    if (status.changed) this.outbox.kick();
    return status.status;
  }

  async status(importId: string): Promise<ImportStatus> {
    const row = await queryOne<ListImportRow>(
      this.pool,
      `SELECT ${IMPORT_COLUMNS} FROM list_import WHERE id = $1`,
      [importId],
    );
    if (!row) throw new AtsError('NOT_FOUND', `import ${importId} not found`);
    return toImportStatus(row);
  }

  async rejects(request: {
    importId: string;
    afterLine: number;
    afterRow: number;
    limit: number;
  }): Promise<ImportRejectsPage> {
    const status = await this.status(request.importId);
    const rows = await queryRows<ImportRejectRow>(
      this.pool,
      `SELECT row_no, line, code, reason, raw FROM import_reject
        WHERE import_id = $1 AND line > $2 AND row_no > $3 ORDER BY row_no LIMIT $4`,
      [request.importId, request.afterLine, request.afterRow, request.limit + 1],
    );
    const page = rows.slice(0, request.limit);
    const more = rows.length > request.limit;
    const last = page[page.length - 1];
    return {
      items: page.map(toImportReject),
      nextAfterLine: more && last ? last.line : null,
      nextAfterRow: more && last ? last.row_no : null,
      totalRejected: status.rejected,
    };
  }

  /** Cells left out of kept rows (bad alternate numbers), paged by row: a row's warnings stay on one page. */
  async warnings(request: {
    importId: string;
    afterRow: number;
    limit: number;
  }): Promise<ImportWarningsPage> {
    const status = await this.status(request.importId);
    const rows = await queryRows<ImportWarningRow>(
      this.pool,
      `SELECT row_no, line, column_name, code, reason, value FROM import_warning
        WHERE import_id = $1 AND row_no IN (SELECT DISTINCT row_no FROM import_warning
                                             WHERE import_id = $1 AND row_no > $2 ORDER BY row_no LIMIT $3)
        ORDER BY row_no, column_name`,
      [request.importId, request.afterRow, request.limit + 1],
    );
    const rowNos = [...new Set(rows.map((r) => r.row_no))];
    const more = rowNos.length > request.limit;
    const kept = more ? rows.filter((r) => r.row_no <= rowNos[request.limit - 1]!) : rows;
    return {
      items: kept.map(toImportWarning),
      nextAfterRow: more ? rowNos[request.limit - 1]! : null,
      totalWarnings: status.warnings ?? 0,
    };
  }

  async abort(importId: string, reason: string): Promise<ImportStatus> {
    const status = await inTransaction(this.pool, async (tx) => {
      const row = await this.lockImport(tx, importId);
      if (row.state !== 'receiving') return { status: toImportStatus(row), changed: false };
      const updated = await queryOne<ListImportRow>(
        tx,
        `UPDATE list_import SET state = 'aborted', error = $2, updated_at = now(), completed_at = now()
          WHERE id = $1 RETURNING ${IMPORT_COLUMNS}`,
        [importId, reason],
      );
      const status = toImportStatus(updated!);
      await this.appendImportEvent(tx, status);
      return { status, changed: true };
    });
    if (status.changed) this.outbox.kick();
    return status.status;
  }

  private async lockImport(tx: Tx, importId: string): Promise<ListImportRow> {
    const row = await queryOne<ListImportRow>(
      tx,
      `SELECT ${IMPORT_COLUMNS} FROM list_import WHERE id = $1 FOR UPDATE`,
      [importId],
    );
    if (!row) throw new AtsError('NOT_FOUND', `import ${importId} not found`);
    return row;
  }

  /**
   * Rows of one chunk into the campaign: rejects stored with their row number and line;
   * accepted rows merged by phone, first among themselves (the later row fills in and
   * overrides), then with the campaign's existing contacts.
   */
  private async applyRows(tx: Tx, row: ListImportRow, rows: ImportedRow[]) {
    const rejects: Array<{ rowNo: number; line: number; code: string; reason: string; raw: unknown }> = [];
    const warnings: Array<{
      rowNo: number;
      line: number;
      column: string;
      code: string;
      reason: string;
      value: string;
    }> = [];
    const byPhone = new Map<string, ContactDraft>();
    let mergedInChunk = 0;
    rows.forEach((imported, index) => {
      const rowNo = row.rows_in + index + 1;
      if (!imported.ok) {
        rejects.push({
          rowNo,
          line: imported.line,
          code: imported.code,
          reason: imported.reason,
          raw: imported.raw,
        });
        return;
      }
      for (const warning of imported.warnings) warnings.push({ rowNo, line: imported.line, ...warning });
      const earlier = byPhone.get(imported.draft.phone);
      if (earlier) mergedInChunk++;
      byPhone.set(
        imported.draft.phone,
        earlier ? mergeContactDrafts(earlier, imported.draft) : imported.draft,
      );
    });
    const upserted = await upsertContactDrafts(tx, row.campaign_id, row.list_id, [...byPhone.values()]);
    if (rejects.length > 0) {
      await tx.query(
        `INSERT INTO import_reject (import_id, row_no, line, code, reason, raw)
         SELECT $1, * FROM unnest($2::int[], $3::int[], $4::text[], $5::text[], $6::jsonb[])`,
        [
          row.id,
          rejects.map((r) => r.rowNo),
          rejects.map((r) => r.line),
          rejects.map((r) => r.code),
          rejects.map((r) => r.reason),
          rejects.map((r) => (r.raw === null || r.raw === undefined ? null : JSON.stringify(r.raw))),
        ],
      );
    }
    if (warnings.length > 0) {
      await tx.query(
        `INSERT INTO import_warning (import_id, row_no, line, column_name, code, reason, value)
         SELECT $1, * FROM unnest($2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[])`,
        [
          row.id,
          warnings.map((w) => w.rowNo),
          warnings.map((w) => w.line),
          warnings.map((w) => w.column),
          warnings.map((w) => w.code),
          warnings.map((w) => w.reason),
          warnings.map((w) => w.value),
        ],
      );
    }
    const counts = {
      warnings: warnings.length,
      rowsIn: rows.length,
      accepted: upserted.inserted,
      merged: mergedInChunk + upserted.merged,
      rejected: rejects.length,
    };
    if (counts.rowsIn !== counts.accepted + counts.merged + counts.rejected) {
      // Never commit a report that does not add up.
      throw new AtsError('INTERNAL', 'import counts do not add up', counts);
    }
    // Counted before the commit: a chunk that then fails to commit is retried and counted again.
    this.metrics.importRows.inc({ result: 'accepted' }, counts.accepted);
    this.metrics.importRows.inc({ result: 'merged' }, counts.merged);
    this.metrics.importRows.inc({ result: 'rejected' }, counts.rejected);
    return counts;
  }

  private async appendImportEvent(tx: Tx, status: ImportStatus): Promise<void> {
    const done = status.state !== 'receiving';
    await appendToOutbox(tx, [
      campaignEvent(
        this.bus.topology,
        status.campaignId,
        done ? campaignEvents.importCompleted : campaignEvents.importProgress,
        { id: status.importId, version: status.nextSeq + (status.state === 'aborted' ? 1 : 0) },
        { import: status },
      ),
    ]);
  }
}
