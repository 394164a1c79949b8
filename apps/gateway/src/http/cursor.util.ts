import { BoundaryValidationError } from './ats-exception.filter';

/** An opaque cursor: clients pass back what they got and never build one. */
export function encodeCursor(after: string): string {
  return Buffer.from(JSON.stringify({ after })).toString('base64url');
}

export function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through to the typed error
  }
  throw new BoundaryValidationError('invalid cursor: pass back the nextCursor of the previous page');
}
