import type { ColumnMap, FieldValue, ImportFormat, ImportRejectCode } from '@autotelesale/contracts';
import { resolveColumnRoles, uniqueHeader, type ColumnRoles } from './contact-columns';
import { buildContactDraft, type ContactDraft, type DraftWarning } from './contact-draft';
import { detectDelimiter, readCsvRecords } from './csv-records';
import { readJsonRecords, type JsonPhase } from './json-records';
import { decodeUtf8Piece } from './utf8-chunks';

/**
 * The pure core of a streamed list import: feed it the file's bytes piece by piece (cut
 * anywhere) and it returns, per piece, every complete row it could read, each either a
 * contact draft or a rejection with its line and reason, plus the state to keep for the
 * next piece. The state is plain JSON, so the service stores it with the import and any
 * replica can take the next piece.
 */

export interface ImportOptions {
  format: ImportFormat;
  region: string;
  delimiter?: string;
  /** CSV without a header line: the column names. */
  columns?: string[];
  columnMap?: ColumnMap;
}

export interface ImportParserState {
  /** Base64 of a UTF-8 character cut at the end of the last piece. */
  utf8Tail: string;
  textStarted: boolean;
  /** Text of an incomplete record carried to the next piece, and the line it starts on. */
  carry: string;
  carryLine: number;
  delimiter: string | null;
  header: string[] | null;
  jsonPhase: JsonPhase;
}

export type ImportedRow =
  | { line: number; ok: true; draft: ContactDraft; warnings: DraftWarning[] }
  | { line: number; ok: false; code: ImportRejectCode; reason: string; raw: unknown };

export interface ImportPieceResult {
  state: ImportParserState;
  rows: ImportedRow[];
  blankLines: number;
  /** A problem with the whole file (a CSV header without a phone column): the import fails. */
  fatal: string | null;
}

/** Raw rows kept in the rejection report are cut to this many characters of JSON. */
export const MAX_RAW_REJECT_CHARS = 2000;

export function newImportParserState(options: ImportOptions): ImportParserState {
  return {
    utf8Tail: '',
    textStarted: false,
    carry: '',
    carryLine: 1,
    delimiter: options.delimiter ?? null,
    header: options.format === 'csv' && options.columns ? uniqueHeader(options.columns) : null,
    jsonPhase: 'start',
  };
}

export function feedImportPiece(
  previous: ImportParserState,
  bytes: Uint8Array,
  final: boolean,
  options: ImportOptions,
): ImportPieceResult {
  const decoded = decodeUtf8Piece(Buffer.from(previous.utf8Tail, 'base64'), bytes, {
    atStart: !previous.textStarted,
    final,
  });
  const state: ImportParserState = {
    ...previous,
    utf8Tail: Buffer.from(decoded.tail).toString('base64'),
    textStarted: previous.textStarted || decoded.text.length > 0,
  };
  const text = state.carry + decoded.text;
  return options.format === 'csv'
    ? feedCsv(state, text, final, options)
    : feedJson(state, text, final, options);
}

function feedCsv(
  state: ImportParserState,
  text: string,
  final: boolean,
  options: ImportOptions,
): ImportPieceResult {
  const rows: ImportedRow[] = [];
  let blankLines = 0;
  let startLine = state.carryLine;
  if (state.header === null) {
    const newline = text.search(/[\r\n]/);
    if (newline === -1 && !final) return { state: { ...state, carry: text }, rows, blankLines, fatal: null };
  }
  state.delimiter ??= detectDelimiter(text);
  const read = readCsvRecords(text, startLine, state.delimiter, final);
  blankLines += read.blankLines;
  let records = read.records;
  if (state.header === null && records.length > 0) {
    state.header = uniqueHeader(records[0]!.cells);
    records = records.slice(1);
  }
  const roles = state.header ? resolveColumnRoles(state.header, options.columnMap) : null;
  if (state.header && roles && roles.phoneColumn === null) {
    return {
      state,
      rows: [],
      blankLines,
      fatal: `no phone column among the headers (${state.header.slice(0, 20).join(', ')}); name it phone or set columnMap.phone`,
    };
  }
  // Rows and rejections in line order, as the report lists them.
  const malformed = read.malformed.map((m): ImportedRow => ({
    line: m.line,
    ok: false,
    code: 'MALFORMED_ROW',
    reason: m.reason,
    raw: truncateRaw(m.text),
  }));
  const zoneCache = new Map<string, string | null>();
  for (const record of records)
    rows.push(csvRow(record.line, record.cells, state.header!, roles!, options.region, zoneCache));
  if (malformed.length > 0) {
    rows.push(...malformed);
    rows.sort((a, b) => a.line - b.line);
  }
  startLine = read.restLine;
  return { state: { ...state, carry: read.rest, carryLine: startLine }, rows, blankLines, fatal: null };
}

function csvRow(
  line: number,
  cells: string[],
  header: string[],
  roles: ColumnRoles,
  region: string,
  zoneCache: Map<string, string | null>,
): ImportedRow {
  let usable = cells;
  if (cells.length > header.length && cells.slice(header.length).every((c) => c.trim() === '')) {
    usable = cells.slice(0, header.length); // trailing empty cells, as spreadsheets write them
  }
  if (usable.length !== header.length) {
    return {
      line,
      ok: false,
      code: 'COLUMN_COUNT',
      reason: `expected ${header.length} cells, found ${cells.length}`,
      raw: truncateRaw(cells),
    };
  }
  const row: Record<string, FieldValue> = {};
  for (let i = 0; i < header.length; i++) row[header[i]!] = usable[i]!;
  const result = buildContactDraft(row, roles, region, zoneCache);
  return result.ok
    ? { line, ok: true, draft: result.draft, warnings: result.warnings }
    : { line, ok: false, code: result.code, reason: result.reason, raw: truncateRaw(row) };
}

function feedJson(
  state: ImportParserState,
  text: string,
  final: boolean,
  options: ImportOptions,
): ImportPieceResult {
  const read = readJsonRecords(text, state.carryLine, state.jsonPhase, final);
  const ordered: Array<{ pos: number; row: ImportedRow }> = read.problems.map((p) => ({
    pos: p.pos,
    row: { line: p.line, ok: false, code: p.code, reason: p.reason, raw: truncateRaw(p.text) },
  }));
  const rolesByKeys = new Map<string, ColumnRoles>();
  const zoneCache = new Map<string, string | null>();
  for (const record of read.records) {
    ordered.push({
      pos: record.pos,
      row: jsonRow(record.line, record.text, options, rolesByKeys, zoneCache),
    });
  }
  ordered.sort((a, b) => a.pos - b.pos);
  return {
    state: { ...state, carry: read.rest, carryLine: read.restLine, jsonPhase: read.phase },
    rows: ordered.map((o) => o.row),
    blankLines: 0,
    fatal: null,
  };
}

function jsonRow(
  line: number,
  text: string,
  options: ImportOptions,
  rolesByKeys: Map<string, ColumnRoles>,
  zoneCache: Map<string, string | null>,
): ImportedRow {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return {
      line,
      ok: false,
      code: 'MALFORMED_ROW',
      reason: `not valid JSON: ${(error as Error).message}`.slice(0, 300),
      raw: truncateRaw(text),
    };
  }
  const row = flattenJsonRow(parsed as Record<string, unknown>);
  const keys = Object.keys(row);
  const keyId = keys.join('\u0000');
  let roles = rolesByKeys.get(keyId);
  if (!roles) rolesByKeys.set(keyId, (roles = resolveColumnRoles(keys, options.columnMap)));
  const result = buildContactDraft(row, roles, options.region, zoneCache);
  return result.ok
    ? { line, ok: true, draft: result.draft, warnings: result.warnings }
    : { line, ok: false, code: result.code, reason: result.reason, raw: truncateRaw(row) };
}

/** JSON values as contact fields: scalars kept, nested objects and arrays as their JSON text. */
function flattenJsonRow(object: Record<string, unknown>): Record<string, FieldValue> {
  const row: Record<string, FieldValue> = {};
  for (const [key, value] of Object.entries(object)) {
    row[key] =
      value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? value
        : JSON.stringify(value);
  }
  return row;
}

/** Keeps a rejected row for the report, cut to MAX_RAW_REJECT_CHARS of JSON (then as text). */
export function truncateRaw(raw: unknown): unknown {
  const json = JSON.stringify(raw);
  if (json === undefined) return null;
  if (json.length <= MAX_RAW_REJECT_CHARS) return raw;
  return typeof raw === 'string'
    ? `${raw.slice(0, MAX_RAW_REJECT_CHARS)}…`
    : `${json.slice(0, MAX_RAW_REJECT_CHARS)}…`;
}
