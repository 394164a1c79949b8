/**
 * CSV/formula injection: a spreadsheet runs a cell that starts with one of these as a
 * formula (`=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)`); full-width forms are included
 * because some spreadsheet programs fold them. Values are stored exactly as received and
 * escaped on the way out with a leading `'` (the OWASP recommendation), so any consumer
 * that writes them to a sheet shows text, never runs it.
 */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r', '\uFF1D', '\uFF0B', '\uFF0D', '\uFF20']);

export function needsFormulaEscape(value: string): boolean {
  return value.length > 0 && FORMULA_TRIGGERS.has(value[0]!);
}

/** `=1+2` -> `'=1+2`; anything else unchanged (non-strings too). */
export function escapeFormula<T>(value: T): T | string {
  return typeof value === 'string' && needsFormulaEscape(value) ? `'${value}` : value;
}

/** Every string value of a record escaped (keys too: a header can be a formula). */
export function escapeFormulaRecord<T>(record: Record<string, T>): Record<string, T | string> {
  const out: Record<string, T | string> = {};
  for (const [key, value] of Object.entries(record)) out[escapeFormula(key) as string] = escapeFormula(value);
  return out;
}

/** Escapes strings anywhere in a JSON-like value (arrays, nested objects). */
export function escapeFormulaDeep(value: unknown): unknown {
  if (typeof value === 'string') return escapeFormula(value);
  if (Array.isArray(value)) return value.map(escapeFormulaDeep);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value))
      out[escapeFormula(key) as string] = escapeFormulaDeep(inner);
    return out;
  }
  return value;
}
