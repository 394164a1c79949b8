import { ReportingDomainError } from '../reporting-domain.errors';

/** Where a page of call records ended: the last row's dial time and call id. */
export interface CallKeyset {
  dialedAt: Date;
  callId: string;
}

/** FNV-1a, 32 bits: ties a cursor to the query it came from (not a secret). */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

/** The query a cursor belongs to: its filter and order, in a stable form. */
export function queryFingerprint(query: unknown): string {
  const stable = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(stable)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value as Record<string, unknown>)
              .filter(([, v]) => v !== undefined)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, v]) => [k, stable(v)]),
          )
        : value;
  return fingerprint(JSON.stringify(stable(query)));
}

/**
 * Where a page of rows ordered by (time, id) ended: the last row's time and id. Every
 * keyset-paged report (call records by dial time, inbound rejections by rejection time)
 * pages on such a pair.
 */
export interface TimeKeyset {
  at: Date;
  id: string;
}

export function encodeTimeKeyset(keyset: TimeKeyset, query: unknown): string {
  const body = JSON.stringify({ t: keyset.at.toISOString(), c: keyset.id, q: queryFingerprint(query) });
  return Buffer.from(body, 'utf8').toString('base64url');
}

/** Reads a cursor back; refuses one that is malformed or was issued for another query. */
export function decodeTimeKeyset(cursor: string, query: unknown): TimeKeyset {
  let parsed: { t?: unknown; c?: unknown; q?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    throw new ReportingDomainError('REPORTING_INVALID_CURSOR', 'the cursor is not one this service issued');
  }
  const at = typeof parsed.t === 'string' ? new Date(parsed.t) : null;
  if (!at || Number.isNaN(at.getTime()) || typeof parsed.c !== 'string') {
    throw new ReportingDomainError('REPORTING_INVALID_CURSOR', 'the cursor is not one this service issued');
  }
  if (parsed.q !== queryFingerprint(query)) {
    throw new ReportingDomainError(
      'REPORTING_INVALID_CURSOR',
      'the cursor belongs to another query (filter or order changed)',
    );
  }
  return { at, id: parsed.c };
}

export function encodeCursor(keyset: CallKeyset, query: unknown): string {
  return encodeTimeKeyset({ at: keyset.dialedAt, id: keyset.callId }, query);
}

/** A call-record cursor read back (see decodeTimeKeyset). */
export function decodeCursor(cursor: string, query: unknown): CallKeyset {
  const { at, id } = decodeTimeKeyset(cursor, query);
  return { dialedAt: at, callId: id };
}
