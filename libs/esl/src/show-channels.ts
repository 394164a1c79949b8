import { EslError } from './esl-error';

/** One row of `show channels as json` (reference 5: all values strings). */
export interface ChannelRow {
  uuid: string;
  direction: string;
  created: string;
  createdEpoch: number;
  name: string;
  state: string;
  cidName: string;
  cidNum: string;
  dest: string;
  application: string;
  applicationData: string;
  callstate: string;
  callUuid: string;
  presenceData: string;
  hostname: string;
  /** Every column as FreeSWITCH sent it. */
  raw: Readonly<Record<string, string>>;
}

/**
 * Parses the body of `show channels as json`, including the empty case
 * `{"row_count": 0}\n` (space and newline, no `rows`). An `-ERR`/`-USAGE` body or
 * anything else that is not the expected shape throws ESL_BAD_REPLY.
 */
export function parseShowChannels(body: string): ChannelRow[] {
  const text = body.trim();
  if (text.startsWith('-')) throw new EslError('ESL_BAD_REPLY', `show channels failed: ${text}`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new EslError('ESL_BAD_REPLY', `show channels: not JSON: ${text.slice(0, 80)}`);
  }
  if (typeof data !== 'object' || data === null)
    throw new EslError('ESL_BAD_REPLY', 'show channels: not an object');
  const { row_count: count, rows } = data as { row_count?: unknown; rows?: unknown };
  if (typeof count !== 'number') throw new EslError('ESL_BAD_REPLY', 'show channels: no row_count');
  if (count === 0 && rows === undefined) return [];
  if (!Array.isArray(rows)) throw new EslError('ESL_BAD_REPLY', 'show channels: rows is not an array');
  return rows.map((row, i) => toRow(row, i));
}

function toRow(row: unknown, i: number): ChannelRow {
  if (typeof row !== 'object' || row === null)
    throw new EslError('ESL_BAD_REPLY', `show channels: row ${i} not an object`);
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(row as Record<string, unknown>))
    raw[k] = v === null || v === undefined ? '' : String(v);
  const uuid = raw['uuid'];
  if (!uuid) throw new EslError('ESL_BAD_REPLY', `show channels: row ${i} without uuid`);
  const s = (k: string) => raw[k] ?? '';
  return {
    uuid,
    direction: s('direction'),
    created: s('created'),
    createdEpoch: Number(s('created_epoch')) || 0,
    name: s('name'),
    state: s('state'),
    cidName: s('cid_name'),
    cidNum: s('cid_num'),
    dest: s('dest'),
    application: s('application'),
    applicationData: s('application_data'),
    callstate: s('callstate'),
    callUuid: s('call_uuid'),
    presenceData: s('presence_data'),
    hostname: s('hostname'),
    raw,
  };
}

/** A BACKGROUND_JOB body of originate: `+OK <uuid>\n` or `-ERR <CAUSE>\n`. */
export type OriginateOutcome =
  | { ok: true; uuid: string }
  | { ok: false; cause: string; /** The whole body, for -USAGE and other surprises. */ body: string };

export function parseOriginateResult(body: string): OriginateOutcome {
  const text = body.trim();
  const ok = /^\+OK\s+(\S+)/.exec(text);
  if (ok) return { ok: true, uuid: ok[1]! };
  const err = /^-ERR\s+([A-Z0-9_]+)/.exec(text);
  if (err) return { ok: false, cause: err[1]!, body: text };
  return { ok: false, cause: text.startsWith('-USAGE') ? 'USAGE' : 'UNKNOWN', body: text };
}
