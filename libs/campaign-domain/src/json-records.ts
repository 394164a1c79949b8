/**
 * Reads JSON contact rows from text arriving in pieces: either one array of objects
 * (`[{...}, {...}]`, pretty-printed or not) or objects one after another (NDJSON). It
 * finds each top-level object's extent without parsing the whole document, so a file of
 * any size streams through, and a broken object is rejected alone, at its line.
 */

export interface JsonRecord {
  line: number;
  /** Offset in the text read: orders records and problems that share a line. */
  pos: number;
  /** The object's source text (parsed by the caller). */
  text: string;
}

export interface JsonProblem {
  line: number;
  pos: number;
  code: 'NOT_AN_OBJECT' | 'MALFORMED_ROW';
  reason: string;
  text: string;
}

export type JsonPhase = 'start' | 'array' | 'end';

export interface JsonReadResult {
  records: JsonRecord[];
  problems: JsonProblem[];
  rest: string;
  restLine: number;
  phase: JsonPhase;
}

const MAX_ELEMENT_CHARS = 256 * 1024;

export function readJsonRecords(
  text: string,
  startLine: number,
  phase: JsonPhase,
  final: boolean,
  maxElementChars = MAX_ELEMENT_CHARS,
): JsonReadResult {
  const records: JsonRecord[] = [];
  const problems: JsonProblem[] = [];
  const n = text.length;
  let pos = 0;
  let line = startLine;

  const skipSpace = (): void => {
    while (pos < n) {
      const c = text[pos]!;
      if (c === '\n') line++;
      else if (c !== ' ' && c !== '\t' && c !== '\r' && c !== ',') break;
      pos++;
    }
  };

  while (true) {
    skipSpace();
    if (pos >= n) break;
    const c = text[pos]!;
    if (phase === 'start' && c === '[') {
      phase = 'array';
      pos++;
      continue;
    }
    if (phase === 'start') phase = 'array'; // objects one after another (NDJSON)
    if (c === ']' && phase === 'array') {
      phase = 'end';
      pos++;
      continue;
    }
    const start = pos;
    const elementLine = line;
    const end = scanValue(text, pos, final);
    if (end === -1) {
      // The element is not complete in this text.
      if (!final && n - start <= maxElementChars)
        return { records, problems, rest: text.slice(start), restLine: elementLine, phase };
      const lineEnd = text.indexOf('\n', start);
      const stop = lineEnd === -1 ? n : lineEnd;
      problems.push({
        line: elementLine,
        pos: start,
        code: 'MALFORMED_ROW',
        reason:
          n - start > maxElementChars
            ? `an object is still open after ${maxElementChars} characters`
            : 'the object is not closed (unbalanced braces or an unterminated string)',
        text: text.slice(start, stop),
      });
      pos = stop; // resume on the next line
      continue;
    }
    for (let k = start; k < end; k++) if (text.charCodeAt(k) === 10) line++;
    pos = end;
    const elementText = text.slice(start, end);
    if (phase === 'end') {
      problems.push({
        line: elementLine,
        pos: start,
        code: 'MALFORMED_ROW',
        reason: 'text after the end of the array',
        text: elementText,
      });
    } else if (c === '{') {
      records.push({ line: elementLine, pos: start, text: elementText });
    } else {
      problems.push({
        line: elementLine,
        pos: start,
        code: 'NOT_AN_OBJECT',
        reason: 'the element is not an object',
        text: elementText,
      });
    }
  }
  return { records, problems, rest: '', restLine: line, phase };
}

/**
 * The end (exclusive) of the JSON value starting at `from`, or -1 when the text stops
 * inside it. Objects and arrays are matched by depth (strings and escapes respected);
 * a scalar ends at the next `,` `]` `}` or line end.
 */
function scanValue(text: string, from: number, final: boolean): number {
  const n = text.length;
  const first = text[from];
  if (first !== '{' && first !== '[') {
    if (first === '"') {
      const end = endOfString(text, from);
      return end;
    }
    let k = from;
    while (k < n) {
      const c = text[k]!;
      if (c === ',' || c === ']' || c === '}' || c === '\n' || c === '\r') break;
      k++;
    }
    return k === n && !final ? -1 : k;
  }
  // Closers expected, innermost last. A closer of the wrong kind ends the element before
  // it (the element then fails to parse and is reported; the closer is read as the array's).
  const expected: string[] = [];
  let k = from;
  while (k < n) {
    const c = text[k]!;
    if (c === '"') {
      const end = endOfString(text, k);
      if (end === -1) return -1;
      k = end;
      continue;
    }
    if (c === '{') expected.push('}');
    else if (c === '[') expected.push(']');
    else if (c === '}' || c === ']') {
      if (expected[expected.length - 1] !== c) return k;
      expected.pop();
      if (expected.length === 0) return k + 1;
    }
    k++;
  }
  return -1;
}

function endOfString(text: string, from: number): number {
  let k = from + 1;
  const n = text.length;
  while (k < n) {
    const q = text.indexOf('"', k);
    if (q === -1) return -1;
    let backslashes = 0;
    for (let b = q - 1; b > from && text[b] === '\\'; b--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    k = q + 1;
  }
  return -1;
}
