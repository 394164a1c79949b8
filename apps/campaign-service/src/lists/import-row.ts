import type {
  ImportFormat,
  ImportReject,
  ImportState,
  ImportStatus,
  ImportWarning,
} from '@autotelesale/contracts';
import { escapeFormulaDeep, type ImportOptions, type ImportParserState } from '@autotelesale/campaign-domain';
import { iso } from '../db/sql';

export interface ListImportRow {
  id: string;
  list_id: string;
  campaign_id: string;
  state: ImportState;
  format: ImportFormat;
  options: ImportOptions;
  parser_state: ImportParserState;
  next_seq: number;
  bytes_received: string;
  total_bytes: string | null;
  rows_in: number;
  accepted: number;
  merged: number;
  rejected: number;
  warnings: number;
  blank_lines: number;
  file_name: string | null;
  error: string | null;
  started_at: Date;
  updated_at: Date;
  completed_at: Date | null;
}

export function toImportStatus(row: ListImportRow): ImportStatus {
  const received = Number(row.bytes_received);
  const total = row.total_bytes === null ? null : Number(row.total_bytes);
  const progress =
    row.state === 'completed' ? 1 : total === null ? null : total === 0 ? 0 : Math.min(1, received / total);
  return {
    importId: row.id,
    listId: row.list_id,
    campaignId: row.campaign_id,
    state: row.state,
    format: row.format,
    fileName: row.file_name === null ? null : (escapeFormulaDeep(row.file_name) as string),
    nextSeq: row.next_seq,
    bytesReceived: received,
    totalBytes: total,
    progress,
    rowsIn: row.rows_in,
    accepted: row.accepted,
    merged: row.merged,
    rejected: row.rejected,
    warnings: row.warnings,
    blankLines: row.blank_lines,
    startedAt: iso(row.started_at)!,
    updatedAt: iso(row.updated_at)!,
    completedAt: iso(row.completed_at),
    error: row.error,
  };
}

export interface ImportRejectRow {
  row_no: number;
  line: number;
  code: ImportReject['code'];
  reason: string;
  raw: unknown;
}

/** A rejected row as returned: its raw cells formula-escaped (they are whatever the file held). */
export function toImportReject(row: ImportRejectRow): ImportReject {
  return {
    line: row.line,
    row: row.row_no,
    code: row.code,
    reason: row.reason,
    raw: row.raw === null ? null : escapeFormulaDeep(row.raw),
  };
}

export interface ImportWarningRow {
  row_no: number;
  line: number;
  column_name: string;
  code: ImportWarning['code'];
  reason: string;
  value: string;
}

/** A warning as returned: the column name and the cell formula-escaped (they came from the file). */
export function toImportWarning(row: ImportWarningRow): ImportWarning {
  return {
    line: row.line,
    row: row.row_no,
    column: escapeFormulaDeep(row.column_name) as string,
    code: row.code,
    reason: row.reason,
    value: escapeFormulaDeep(row.value) as string,
  };
}
