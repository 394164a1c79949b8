/**
 * CSV writing (RFC 4180: comma, CRLF, fields quoted when they hold a comma, a quote, CR
 * or LF, or start or end with a space) that is safe to open in a spreadsheet: a text cell
 * starting with `=`, `+`, `-`, `@`, a tab or a CR would run as a formula (CSV injection),
 * so it is written with a leading `'`. A cell that starts with `'` gets one more, so that
 * reading back (strip one leading `'`) always gives the original text.
 */

const FORMULA_START = /^[=+\-@\t\r']/;

export function escapeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The inverse of escapeFormula, for a reader of our exports. */
export function unescapeFormula(cell: string): string {
  return cell.startsWith("'") ? cell.slice(1) : cell;
}

const NEEDS_QUOTES = /[",\r\n]|^ | $/;

function quote(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export type CsvValue = string | number | boolean | null | undefined;

const EXPONENT_FORM = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/;

/**
 * A number as a spreadsheet in any locale reads it: `.` as the decimal point, no grouping,
 * never an exponent (`String` writes 1e-7 and 1e+21), and the same digits as JSON (the
 * shortest that read back to the same number). Not finite: empty.
 */
export function plainNumber(value: number): string {
  if (!Number.isFinite(value)) return '';
  const text = String(value);
  const exponent = EXPONENT_FORM.exec(text);
  if (!exponent) return text;
  const [, sign, lead, fraction = '', power] = exponent;
  const digits = lead! + fraction;
  const point = 1 + Number(power);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * One cell. `verbatim` text is not formula-escaped: only for values validated to hold
 * nothing a spreadsheet could run (an E.164 number, an ISO timestamp).
 */
export function csvCell(value: CsvValue, options: { verbatim?: boolean } = {}): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return plainNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return quote(options.verbatim ? value : escapeFormula(value));
}

export const CSV_EOL = '\r\n';

export function csvLine(cells: readonly string[]): string {
  return cells.join(',') + CSV_EOL;
}
