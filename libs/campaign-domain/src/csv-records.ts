/**
 * An RFC 4180 CSV reader that works on text arriving in pieces: it returns the complete
 * records of `text` and hands back the incomplete tail (`rest`, starting at a record
 * boundary) to be prefixed to the next piece. It knows each record's starting line, which
 * the rejection report needs, also when quoted fields span lines.
 *
 * Lenient where spreadsheets are sloppy: a quote inside an unquoted field is kept as a
 * character, text after a closing quote is appended to the field. A quote that never
 * closes is an error only for that record: it is rejected at its first line and reading
 * resumes on the next line (at the end of the file, or once the record outgrows
 * `maxRecordChars`), so one stray quote cannot swallow the rest of a file.
 */

export interface CsvRecord {
  line: number;
  cells: string[];
}

export interface CsvMalformed {
  line: number;
  reason: string;
  /** The first line of the record as text. */
  text: string;
}

export interface CsvReadResult {
  records: CsvRecord[];
  malformed: CsvMalformed[];
  blankLines: number;
  rest: string;
  restLine: number;
}

export const DEFAULT_MAX_RECORD_CHARS = 256 * 1024;

const QUOTE = 34; // "
const LF = 10;
const CR = 13;

export function readCsvRecords(
  text: string,
  startLine: number,
  delimiter: string,
  final: boolean,
  maxRecordChars = DEFAULT_MAX_RECORD_CHARS,
): CsvReadResult {
  const records: CsvRecord[] = [];
  const malformed: CsvMalformed[] = [];
  let blankLines = 0;
  const delim = delimiter.charCodeAt(0);
  const n = text.length;
  let pos = 0;
  let line = startLine;

  // One record per iteration; `pos` is always at a record boundary here.
  outer: while (pos < n) {
    const recordStart = pos;
    const recordLine = line;
    const cells: string[] = [];
    let i = pos;
    let currentLine = line;
    for (;;) {
      // Start of a field.
      if (i < n && text.charCodeAt(i) === QUOTE) {
        let value = '';
        let j = i + 1;
        let closed = false;
        while (j < n) {
          const q = text.indexOf('"', j);
          if (q === -1) break;
          value += text.slice(j, q);
          if (q + 1 < n && text.charCodeAt(q + 1) === QUOTE) {
            value += '"';
            j = q + 2;
            continue;
          }
          if (q + 1 >= n && !final) break; // cannot tell yet whether "" follows
          j = q + 1;
          closed = true;
          break;
        }
        if (!closed) {
          const recordChars = n - recordStart;
          if (!final && recordChars <= maxRecordChars) {
            return { records, malformed, blankLines, rest: text.slice(recordStart), restLine: recordLine };
          }
          // Unclosed quote: reject the record's first line, resume on the next one.
          const firstLineEnd = endOfPhysicalLine(text, recordStart);
          malformed.push({
            line: recordLine,
            reason:
              recordChars > maxRecordChars
                ? `a quoted field is still open after ${maxRecordChars} characters`
                : 'a quoted field is never closed',
            text: text.slice(recordStart, firstLineEnd.end),
          });
          pos = firstLineEnd.next;
          line = recordLine + 1;
          continue outer;
        }
        for (let k = i + 1; k < j; k++) if (text.charCodeAt(k) === LF) currentLine++;
        // Text after the closing quote up to the delimiter / end of line joins the field.
        let k = j;
        while (k < n) {
          const c = text.charCodeAt(k);
          if (c === delim || c === LF || c === CR) break;
          k++;
        }
        if (k > j) value += text.slice(j, k);
        cells.push(value);
        i = k;
      } else {
        let k = i;
        while (k < n) {
          const c = text.charCodeAt(k);
          if (c === delim || c === LF || c === CR) break;
          k++;
        }
        cells.push(text.slice(i, k));
        i = k;
      }
      // After a field: a delimiter, an end of line, or the end of the text.
      if (i >= n) {
        if (!final)
          return { records, malformed, blankLines, rest: text.slice(recordStart), restLine: recordLine };
        pos = n;
        break;
      }
      const c = text.charCodeAt(i);
      if (c === delim) {
        i++;
        continue;
      }
      if (c === CR) {
        if (i + 1 >= n && !final) {
          return { records, malformed, blankLines, rest: text.slice(recordStart), restLine: recordLine };
        }
        i += i + 1 < n && text.charCodeAt(i + 1) === LF ? 2 : 1;
      } else {
        i++; // LF
      }
      currentLine++;
      pos = i;
      break;
    }
    line = currentLine;
    if (isBlank(cells)) blankLines++;
    else records.push({ line: recordLine, cells });
  }
  return { records, malformed, blankLines, rest: '', restLine: line };
}

function endOfPhysicalLine(text: string, from: number): { end: number; next: number } {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) return { end: i, next: i + 1 };
    if (c === CR) return { end: i, next: text.charCodeAt(i + 1) === LF ? i + 2 : i + 1 };
  }
  return { end: text.length, next: text.length };
}

/** A record whose cells are all empty or blank (an empty line, `,,,` from a spreadsheet). */
function isBlank(cells: string[]): boolean {
  for (const cell of cells) if (cell.trim() !== '') return false;
  return true;
}

/** The delimiter of a header line: the most frequent of `,` `;` tab `|` outside quotes (`,` on a tie or none). */
export function detectDelimiter(headerLine: string): ',' | ';' | '\t' | '|' {
  const counts = { ',': 0, ';': 0, '\t': 0, '|': 0 } as Record<string, number>;
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch]! += 1;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
  }
  let best: ',' | ';' | '\t' | '|' = ',';
  for (const ch of [';', '\t', '|'] as const) if (counts[ch]! > counts[best]!) best = ch;
  return best;
}
